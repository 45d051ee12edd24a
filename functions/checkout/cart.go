package checkout

import (
	"context"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// lockCartSQL touches the cart: on Oracle the row lock serialises checkouts of one cart.
const lockCartSQL = `UPDATE carts SET updated_at = :1 WHERE id = :2 AND expires_at > :3`

// lockCart locks the cart for the transaction; 404 when it is unknown or expired.
func lockCart(ctx context.Context, tx db.DBTX, cartID string, now time.Time) error {
	const op = "checkout.LockCart"
	res, err := tx.ExecContext(ctx, lockCartSQL, now, cartID, now)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n == 0 {
		return apperr.E(op, apperr.NotFound, "cart not found (unknown or expired)")
	}
	return nil
}

// line is a cart line read under the lock.
type line struct {
	productID, quantity, stock int64
	name                       string
	price                      money.Cents
	active                     bool
}

// cartLinesSQL locks the lines' products. Oracle locks the rows in the order the plan visits them,
// not in ORDER BY's, so two checkouts of overlapping carts can deadlock (ORA-00060): the database
// rolls one statement back and the transaction is retried once (retryDeadlock).
const cartLinesSQL = `SELECT i.product_id, i.quantity, p.name, p.price, p.stock, p.is_active
FROM cart_items i JOIN products p ON p.id = i.product_id
WHERE i.cart_id = :1
ORDER BY i.product_id
FOR UPDATE OF p.stock`

// readLines reads the cart's lines and their products, locking the product rows on Oracle.
func readLines(ctx context.Context, tx db.DBTX, cartID string) ([]line, error) {
	const op = "checkout.ReadLines"
	var lines []line
	err := db.Each(ctx, tx, cartLinesSQL, []any{cartID}, func(scan func(...any) error) error {
		var (
			l      line
			active int64
		)
		if err := scan(&l.productID, &l.quantity, &l.name, &l.price, &l.stock, &active); err != nil {
			return err
		}
		l.active = active == 1
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	return lines, nil
}

// price returns the lines priced at the products' current prices: 422 for an empty cart, and 422
// product_unavailable naming the lines whose product is no longer sold.
func price(lines []line) ([]commerce.Line, error) {
	const op = "checkout.Price"
	if len(lines) == 0 {
		return nil, apperr.E(op, apperr.Unprocessable, "the cart is empty").WithCode("empty_cart")
	}
	priced := make([]commerce.Line, len(lines))
	var gone []map[string]any
	for i, l := range lines {
		priced[i] = commerce.Line{UnitPrice: l.price, Quantity: l.quantity}
		if !l.active {
			gone = append(gone, map[string]any{"product_id": l.productID, "name": l.name})
		}
	}
	if gone != nil {
		return nil, apperr.E(op, apperr.Unprocessable, "some products are no longer sold; remove them from the cart").
			WithCode("product_unavailable").WithDetails(map[string]any{"products": gone})
	}
	return priced, nil
}

// decrementStockSQL takes a line's quantity off its product's stock only when there is enough.
const decrementStockSQL = `UPDATE products SET stock = stock - :1, updated_at = :2
WHERE id = :3 AND stock >= :4 AND is_active = 1`

// decrementStock takes every line's quantity off its product's stock in one batch of conditional
// updates. When fewer rows changed than there are lines, some product was short: the error is 409
// out_of_stock naming the products whose stock (read under the lock) is below the quantity, and the
// caller's transaction rolls the decrements that did apply back.
func decrementStock(ctx context.Context, tx db.DBTX, lines []line, now time.Time) error {
	const op = "checkout.DecrementStock"
	rows := make([][]any, len(lines))
	for i, l := range lines {
		rows[i] = []any{l.quantity, now, l.productID, l.quantity}
	}
	n, err := db.ExecBatch(ctx, tx, decrementStockSQL, rows)
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if n == int64(len(lines)) {
		return nil
	}
	var short []map[string]any
	for _, l := range lines {
		if l.stock < l.quantity {
			short = append(short, map[string]any{"product_id": l.productID, "name": l.name,
				"requested": l.quantity, "available": l.stock})
		}
	}
	if short == nil { // the lock makes this unreachable; name every line rather than none
		for _, l := range lines {
			short = append(short, map[string]any{"product_id": l.productID, "name": l.name, "requested": l.quantity})
		}
	}
	return apperr.E(op, apperr.Conflict, "not enough stock for some products").WithCode("out_of_stock").
		WithDetails(map[string]any{"products": short})
}

// emptyCartSQL removes the cart's lines once they are an order.
const emptyCartSQL = `DELETE FROM cart_items WHERE cart_id = :1`

// emptyCart removes the cart's lines.
func emptyCart(ctx context.Context, tx db.DBTX, cartID string) error {
	if _, err := tx.ExecContext(ctx, emptyCartSQL, cartID); err != nil {
		return apperr.Wrap("checkout.EmptyCart", apperr.Internal, err)
	}
	return nil
}
