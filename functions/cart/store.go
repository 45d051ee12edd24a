package cart

import (
	"context"
	"database/sql"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Cart is a cart as clients see it.
type Cart struct {
	ID        string      `json:"cart_id"`
	Items     []Item      `json:"items"`
	ItemCount int64       `json:"item_count"` // sum of the quantities
	Subtotal  money.Cents `json:"subtotal"`   // at current prices
	Currency  string      `json:"currency"`
	ExpiresAt time.Time   `json:"expires_at"`
}

// Item is one line of a cart, priced at the product's current price.
type Item struct {
	ID        int64       `json:"id"`
	ProductID int64       `json:"product_id"`
	Name      string      `json:"name"`
	SKU       string      `json:"sku"`
	UnitPrice money.Cents `json:"unit_price"`
	Quantity  int64       `json:"quantity"`
	LineTotal money.Cents `json:"line_total"`
	// Available is false when the product was withdrawn or its stock fell under the quantity since
	// the line was added: checkout would refuse the cart as it is.
	Available bool `json:"available"`
}

const (
	createCartSQL = `INSERT INTO carts (id, created_at, updated_at, expires_at) VALUES (:1, :2, :3, :4)`

	// touchCartSQL is the 404 check of every change, extends the cart's life and (on Oracle) locks
	// the cart row until the change commits.
	touchCartSQL = `UPDATE carts SET updated_at = :1, expires_at = :2 WHERE id = :3 AND expires_at > :4`

	// loadCartSQL is the whole cart in one statement; a cart without items yields one row of NULLs.
	loadCartSQL = `SELECT c.expires_at, i.id, i.product_id, i.quantity, p.name, p.sku, p.price, p.stock, p.is_active
FROM carts c
LEFT JOIN cart_items i ON i.cart_id = c.id
LEFT JOIN products p ON p.id = i.product_id
WHERE c.id = :1 AND c.expires_at > :2
ORDER BY i.id`
)

// create stores a new empty cart with a fresh id.
func (s *Service) createCart(ctx context.Context, id string) (Cart, error) {
	now := s.now().UTC()
	expires := now.Add(Lifetime)
	if _, err := s.db.ExecContext(ctx, createCartSQL, id, now, now, expires); err != nil {
		return Cart{}, apperr.Wrap("cart.Create", apperr.Internal, err)
	}
	return Cart{ID: id, Items: []Item{}, Currency: commerce.Currency, ExpiresAt: expires.Truncate(time.Millisecond)}, nil
}

// touch extends an unexpired cart's life; a missing or expired cart is 404.
func (s *Service) touch(ctx context.Context, tx db.DBTX, id string, now time.Time) error {
	const op = "cart.Touch"
	res, err := tx.ExecContext(ctx, touchCartSQL, now, now.Add(Lifetime), id, now)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n == 0 {
		return errCartNotFound(op)
	}
	return nil
}

func errCartNotFound(op string) error {
	return apperr.E(op, apperr.NotFound, "cart not found (unknown or expired)")
}

// load reads the whole cart; a missing or expired cart is 404.
func (s *Service) load(ctx context.Context, q db.DBTX, id string, now time.Time) (Cart, error) {
	const op = "cart.Load"
	rows, err := q.QueryContext(ctx, loadCartSQL, id, now)
	if err != nil {
		return Cart{}, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	c := Cart{ID: id, Items: []Item{}, Currency: commerce.Currency}
	found := false
	for rows.Next() {
		found = true
		var (
			itemID, productID, qty, stock, active sql.NullInt64
			name, sku                             string // NULL (no item) is "", as godror scans it
			price                                 sql.Null[money.Cents]
		)
		if err := rows.Scan(&c.ExpiresAt, &itemID, &productID, &qty, &name, &sku, &price, &stock, &active); err != nil {
			return Cart{}, apperr.Wrap(op, apperr.Internal, err)
		}
		if !itemID.Valid {
			continue
		}
		it := Item{ID: itemID.Int64, ProductID: productID.Int64, Name: name, SKU: sku,
			UnitPrice: price.V, Quantity: qty.Int64}
		it.LineTotal = commerce.Line{UnitPrice: it.UnitPrice, Quantity: it.Quantity}.Total()
		it.Available = active.Int64 == 1 && stock.Int64 >= it.Quantity
		c.Items = append(c.Items, it)
		c.ItemCount += it.Quantity
		c.Subtotal += it.LineTotal
	}
	if err := rows.Err(); err != nil {
		return Cart{}, apperr.Wrap(op, apperr.Internal, err)
	}
	if !found {
		return Cart{}, errCartNotFound(op)
	}
	return c, nil
}

// change runs fn in one transaction after touching the cart, and answers the cart as fn left it.
func (s *Service) change(ctx context.Context, id string, fn func(ctx context.Context, tx db.DBTX, now time.Time) error) (Cart, error) {
	var c Cart
	now := s.now().UTC()
	err := db.InTx(ctx, s.db, func(ctx context.Context, sqlTx *sql.Tx) error {
		var tx db.DBTX = sqlTx
		if s.intercept != nil {
			tx = s.intercept(tx)
		}
		if err := s.touch(ctx, tx, id, now); err != nil {
			return err
		}
		if err := fn(ctx, tx, now); err != nil {
			return err
		}
		var err error
		c, err = s.load(ctx, tx, id, now)
		return err
	})
	return c, err
}
