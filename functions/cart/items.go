package cart

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// AddItemRequest is the body of POST /api/carts/{cart_id}/items.
type AddItemRequest struct {
	ProductID int64 `json:"product_id"`
	Quantity  int64 `json:"quantity"`
}

// UpdateItemRequest is the body of PATCH /api/carts/{cart_id}/items/{item_id}.
type UpdateItemRequest struct {
	Quantity int64 `json:"quantity"`
}

const (
	// productForLineSQL reads the product and the quantity the cart already holds of it, and locks
	// the product row until the add commits. admin-catalog's archive locks that row first too
	// (products.lock) before it withdraws the product and deletes its cart lines, so the two
	// serialise on it: an archive that committed first is seen here (Oracle re-reads a row it waited
	// for; the add answers 422 product_unavailable), and one that comes later waits for this line
	// to be committed and then deletes it. Without the lock, under READ COMMITTED the archive could
	// commit between this read and the MERGE, and its DELETE would not see the line the MERGE then
	// writes. Lock order: the cart row (touch) then the product row, as checkout; the archive takes
	// the product row then cart lines, never a cart row (see ARCHITECTURE.md, "Concurrency on Oracle").
	productForLineSQL = `SELECT p.stock, p.is_active, COALESCE(i.quantity, 0)
FROM products p
LEFT JOIN cart_items i ON i.product_id = p.id AND i.cart_id = :1
WHERE p.id = :2
FOR UPDATE OF p.is_active`

	// upsertLineSQL sets the merged quantity of the cart's line for the product, creating the line
	// when the cart has none (one statement; SQLite runs it as INSERT ... ON CONFLICT).
	upsertLineSQL = `MERGE INTO cart_items ci
USING (SELECT :1 AS cart_id, :2 AS product_id, :3 AS quantity, :4 AS ts FROM dual) s
ON (ci.cart_id = s.cart_id AND ci.product_id = s.product_id)
WHEN MATCHED THEN UPDATE SET ci.quantity = s.quantity, ci.updated_at = s.ts
WHEN NOT MATCHED THEN INSERT (cart_id, product_id, quantity, created_at, updated_at)
VALUES (s.cart_id, s.product_id, s.quantity, s.ts, s.ts)`

	// lineSQL reads a line of this cart (never of another) with its product.
	lineSQL = `SELECT p.stock, p.is_active
FROM cart_items i JOIN products p ON p.id = i.product_id
WHERE i.id = :1 AND i.cart_id = :2`

	setLineQuantitySQL = `UPDATE cart_items SET quantity = :1, updated_at = :2 WHERE id = :3 AND cart_id = :4`
	deleteLineSQL      = `DELETE FROM cart_items WHERE id = :1 AND cart_id = :2`
)

func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	if r.ContentLength > 0 {
		return apperr.E("cart.Create", apperr.Invalid, "creating a cart takes no body")
	}
	c, err := s.createCart(r.Context(), web.NewID())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/carts/"+c.ID)
	web.NoStore(w) // the cart id is the cart's only credential
	web.JSON(w, http.StatusCreated, c)
	return nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	id, err := cartID(r)
	if err != nil {
		return err
	}
	c, err := s.load(r.Context(), s.db, id, s.now().UTC())
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) addItem(w http.ResponseWriter, r *http.Request) error {
	const op = "cart.AddItem"
	id, err := cartID(r)
	if err != nil {
		return err
	}
	var req AddItemRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.ProductID < 1 {
		return apperr.E(op, apperr.Invalid, "product_id must be a positive integer")
	}
	if err := checkQuantity(op, req.Quantity); err != nil {
		return err
	}
	c, err := s.change(r.Context(), id, func(ctx context.Context, tx db.DBTX, now time.Time) error {
		var stock, active, inCart int64
		err := tx.QueryRowContext(ctx, productForLineSQL, id, req.ProductID).Scan(&stock, &active, &inCart)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && active != 1) {
			return apperr.E(op, apperr.Unprocessable, fmt.Sprintf("product %d is not available", req.ProductID)).
				WithCode("product_unavailable")
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		merged := inCart + req.Quantity
		if err := checkLine(op, req.ProductID, merged, stock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, upsertLineSQL, id, req.ProductID, merged, now); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.metrics != nil {
		s.metrics.RecordCartAddition(r.Context(), req.Quantity)
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) updateItem(w http.ResponseWriter, r *http.Request) error {
	const op = "cart.UpdateItem"
	id, itemID, err := lineIDs(r)
	if err != nil {
		return err
	}
	var req UpdateItemRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if err := checkQuantity(op, req.Quantity); err != nil {
		return err
	}
	c, err := s.change(r.Context(), id, func(ctx context.Context, tx db.DBTX, now time.Time) error {
		var stock, active int64
		err := tx.QueryRowContext(ctx, lineSQL, itemID, id).Scan(&stock, &active)
		if errors.Is(err, sql.ErrNoRows) {
			return errItemNotFound(op)
		}
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if active != 1 {
			return apperr.E(op, apperr.Unprocessable, "the product of this line is no longer available; remove the line").
				WithCode("product_unavailable")
		}
		if err := checkLine(op, 0, req.Quantity, stock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, setLineQuantitySQL, req.Quantity, now, itemID, id); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) removeItem(w http.ResponseWriter, r *http.Request) error {
	const op = "cart.RemoveItem"
	id, itemID, err := lineIDs(r)
	if err != nil {
		return err
	}
	c, err := s.change(r.Context(), id, func(ctx context.Context, tx db.DBTX, _ time.Time) error {
		res, err := tx.ExecContext(ctx, deleteLineSQL, itemID, id)
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if n == 0 {
			return errItemNotFound(op)
		}
		return nil
	})
	if err != nil {
		return err
	}
	web.NoStore(w)
	web.JSON(w, http.StatusOK, c)
	return nil
}

// checkQuantity validates a requested quantity (400).
func checkQuantity(op string, q int64) error {
	if q < commerce.MinQuantity || q > commerce.MaxQuantity {
		return apperr.E(op, apperr.Invalid, fmt.Sprintf("quantity must be an integer from %d to %d",
			commerce.MinQuantity, commerce.MaxQuantity))
	}
	return nil
}

// checkLine applies the line rules to the quantity a line would hold: at most MaxQuantity (422) and
// at most the stock on hand (409).
func checkLine(op string, productID, qty, stock int64) error {
	if qty > commerce.MaxQuantity {
		return apperr.E(op, apperr.Unprocessable, fmt.Sprintf("a cart line holds at most %d units", commerce.MaxQuantity)).
			WithCode("quantity_limit").WithDetails(map[string]any{"max_quantity": commerce.MaxQuantity, "requested": qty})
	}
	if qty > stock {
		d := map[string]any{"available": stock, "requested": qty}
		if productID > 0 {
			d["product_id"] = productID
		}
		return apperr.E(op, apperr.Conflict, fmt.Sprintf("only %d in stock", stock)).WithCode("out_of_stock").WithDetails(d)
	}
	return nil
}

func errItemNotFound(op string) error {
	return apperr.E(op, apperr.NotFound, "cart item not found")
}

// cartID reads and checks the cart id of the path; a malformed id cannot exist (404).
func cartID(r *http.Request) (string, error) {
	id := r.PathValue("cart_id")
	if !ValidID(id) {
		return "", errCartNotFound("cart.ID")
	}
	return id, nil
}

func lineIDs(r *http.Request) (string, int64, error) {
	id, err := cartID(r)
	if err != nil {
		return "", 0, err
	}
	itemID, ok := web.PathID(r, "item_id")
	if !ok {
		return "", 0, errItemNotFound("cart.ItemID")
	}
	return id, itemID, nil
}
