package orders

import (
	"net/http"
	"net/url"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
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
	req, err := web.ParseNewestFirst(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	page := Page{Items: []Summary{}}
	w.Header().Set("Cache-Control", "no-store")
	if p.UserID == 0 { // an external principal has no account here, hence no orders
		web.JSON(w, http.StatusOK, page)
		return nil
	}
	first, at, afterID := req.Keyset()
	err = db.Each(r.Context(), s.db, listSQL, []any{p.UserID, first, at, at, afterID, req.Limit + 1}, func(scan func(...any) error) error {
		var (
			o        Summary
			tracking db.Text // a scalar subquery: no shipment is NULL, scanned as "" on both databases
		)
		if err := scan(&o.ID, &o.Status, &o.PaymentStatus, &o.Total, &o.Currency, &o.CreatedAt, &o.ItemCount, &tracking); err != nil {
			return err
		}
		if tracking != "" {
			t := string(tracking)
			o.TrackingNumber = &t
		}
		page.Items = append(page.Items, o)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page.Items, page.NextCursor, err = web.Next(req, page.Items, func(o Summary) (time.Time, int64) { return o.CreatedAt, o.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}
