package orders

import (
	"database/sql"
	"net/http"
	"net/url"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Page size bounds of the order list.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// Summary is an order in the list.
type Summary struct {
	ID             int64       `json:"id"`
	Status         string      `json:"status"`
	PaymentStatus  string      `json:"payment_status"`
	Total          money.Cents `json:"total"`
	Currency       string      `json:"currency"`
	ItemCount      int64       `json:"item_count"`
	TrackingNumber *string     `json:"tracking_number"`
	CreatedAt      time.Time   `json:"created_at"`
}

// Page is one page of the caller's orders, newest first.
type Page struct {
	Items      []Summary `json:"items"`
	NextCursor *string   `json:"next_cursor"`
}

// listSQL is one page of an account's orders: :1 the user id, :2 = 1 on the first page, :3..:5 the
// keyset (created_at twice, id), :6 the page size (limit+1, to know whether another page follows).
const listSQL = `SELECT o.id, o.status, o.payment_status, o.total, o.currency, o.created_at,
    (SELECT COUNT(*) FROM order_items oi WHERE oi.order_id = o.id) AS item_count,
    (SELECT MIN(s.tracking_number) FROM shipments s WHERE s.order_id = o.id) AS tracking_number
FROM orders o
WHERE o.customer_id = (SELECT u.customer_id FROM users u WHERE u.id = :1 AND u.is_active = 1)
  AND (:2 = 1 OR o.created_at < :3 OR (o.created_at = :4 AND o.id < :5))
ORDER BY o.created_at DESC, o.id DESC
FETCH FIRST :6 ROWS ONLY`

// listCursor is the position after the last order of a page.
type listCursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "orders.List"
	p, err := identity.FromRequest(r)
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	first, after := 1, listCursor{}
	if v := q.Get("cursor"); v != "" {
		if err := web.DecodeCursor(op, v, &after, func() bool { return after.ID >= 1 && !after.At.IsZero() }); err != nil {
			return err
		}
		first = 0
	}
	page := Page{Items: []Summary{}}
	w.Header().Set("Cache-Control", "no-store")
	if p.UserID == 0 { // an external principal has no account here, hence no orders
		web.JSON(w, http.StatusOK, page)
		return nil
	}
	var at any
	if first == 0 {
		at = after.At
	}
	err = each(r.Context(), s.db, listSQL, []any{p.UserID, first, at, at, after.ID, limit + 1}, func(scan func(...any) error) error {
		var (
			o        Summary
			tracking sql.NullString
		)
		if err := scan(&o.ID, &o.Status, &o.PaymentStatus, &o.Total, &o.Currency, &o.CreatedAt, &o.ItemCount, &tracking); err != nil {
			return err
		}
		if tracking.Valid {
			o.TrackingNumber = &tracking.String
		}
		page.Items = append(page.Items, o)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		next, err := web.EncodeCursor(listCursor{At: last.CreatedAt, ID: last.ID})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		page.NextCursor = &next
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}
