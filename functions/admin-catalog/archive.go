package admincatalog

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/security"
)

const (
	// archiveProductSQL withdraws the product: is_active = 0 is what the storefront, carts and
	// checkout already read; archived_at keeps it from being re-activated.
	archiveProductSQL = `UPDATE products SET is_active = 0, archived_at = :1, updated_at = :2 WHERE id = :3`

	// removeFromCartsSQL drops the product from every cart (ix_cart_items_product_id). Orders keep
	// their lines: order_items holds the name and price as sold.
	removeFromCartsSQL = `DELETE FROM cart_items WHERE product_id = :1`

	// productOrderedSQL tells whether an order has a line of the product.
	productOrderedSQL = `SELECT COUNT(*) FROM order_items WHERE product_id = :1`

	deleteProductSQL = `DELETE FROM products WHERE id = :1`
)

// keepArchived refuses to re-activate an archived product: archiving is final (the storefront,
// carts and checkout treat it as gone), so a product to sell again is a new product.
func keepArchived(op string, cur, next record) error {
	if t, _ := cur["archived_at"].(*time.Time); t != nil && next["is_active"] == true {
		return apperr.E(op, apperr.Conflict, "an archived product cannot be re-activated").WithCode("product_archived")
	}
	return nil
}

// archive withdraws a product from the storefront and from every open cart, in one transaction under
// the product's row lock: a checkout holding the lock first completes before it (and the archive then
// leaves its order alone); one after it finds the product inactive and refuses it (422
// product_unavailable). Archiving an archived product changes nothing. The lock is also what keeps
// a cart add from writing a line the DELETE below cannot see: the cart's add reads the product FOR
// UPDATE, so under READ COMMITTED it either waits for this commit (and finds the product inactive)
// or holds the row until its line is committed (and the DELETE, which starts after, removes it); see
// ARCHITECTURE.md, "Concurrency on Oracle".
func (s *Service) archive(w http.ResponseWriter, r *http.Request) error {
	const op = "admincatalog.ArchiveProduct"
	id, err := products.id(op, r)
	if err != nil {
		return err
	}
	if r.ContentLength > 0 {
		return apperr.E(op, apperr.Invalid, "archiving takes no body")
	}
	var out record
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		cur, _, err := products.lock(ctx, tx, op, id)
		if err != nil {
			return err
		}
		if t, _ := cur["archived_at"].(*time.Time); t == nil {
			now := s.clock()
			if _, err := tx.ExecContext(ctx, archiveProductSQL, now, now, id); err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			res, err := tx.ExecContext(ctx, removeFromCartsSQL, id)
			if err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			removed, err := res.RowsAffected()
			if err != nil {
				return apperr.Wrap(op, apperr.Internal, err)
			}
			details := security.Changes(map[string]any{"is_active": cur["is_active"], "archived_at": nil},
				map[string]any{"is_active": false, "archived_at": now})
			details["cart_lines_removed"] = removed
			if err := security.Audit(ctx, tx, security.Entry{Action: "product.archive", EntityType: "product",
				EntityID: strconv.FormatInt(id, 10), Details: details}); err != nil {
				return err
			}
		}
		out, err = products.load(ctx, tx, op, id)
		return err
	})
	if err != nil {
		return err
	}
	return products.answer(w, http.StatusOK, out)
}

// remove deletes a product no order references (its cart lines and reviews go with it, by their
// foreign keys' ON DELETE CASCADE); one any order references is 409 product_ordered: archive it.
// The count runs under the product's row lock, which a checkout takes before it writes order lines,
// and order_items' foreign key refuses the delete anyway should a line appear.
func (s *Service) remove(w http.ResponseWriter, r *http.Request) error {
	const op = "admincatalog.DeleteProduct"
	id, err := products.id(op, r)
	if err != nil {
		return err
	}
	ordered := func() error {
		return apperr.E(op, apperr.Conflict, "orders reference this product: archive it instead").WithCode("product_ordered")
	}
	err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
		cur, _, err := products.lock(ctx, tx, op, id)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.QueryRowContext(ctx, productOrderedSQL, id).Scan(&n); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		if n > 0 {
			return ordered()
		}
		if _, err := tx.ExecContext(ctx, deleteProductSQL, id); err != nil {
			if errors.Is(err, db.ErrForeignKeyViolation) {
				return ordered()
			}
			return apperr.Wrap(op, apperr.Internal, err)
		}
		return security.Audit(ctx, tx, security.Entry{Action: "product.delete", EntityType: "product",
			EntityID: strconv.FormatInt(id, 10), Details: security.Changes(products.writable(cur), nil)})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
