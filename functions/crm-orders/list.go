package crmorders

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Page bounds, and the rules of the named filters (the existing CRM's: anchors.md).
const (
	defaultLimit   = 20
	maxLimit       = 100
	backlogAge     = 30 * time.Minute
	suspiciousFrom = money.Cents(5000000) // 50000.00
)

// Summary is one order in the staff list.
type Summary struct {
	ID             int64       `json:"id"`
	CustomerID     int64       `json:"customer_id"`
	CustomerName   string      `json:"customer_name"`
	Status         string      `json:"status"`
	PaymentStatus  string      `json:"payment_status"`
	Total          money.Cents `json:"total"`
	Currency       string      `json:"currency"`
	Lines          int64       `json:"lines"`
	ShipmentStatus *string     `json:"shipment_status"`
	Region         string      `json:"region"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Backlog        bool        `json:"backlog"`    // pending or processing for more than 30 minutes
	Suspicious     bool        `json:"suspicious"` // total >= 50000.00
}

// ListPage is one page of the staff order list, newest first.
type ListPage struct {
	Items      []Summary `json:"items"`
	NextCursor *string   `json:"next_cursor"`
}

// listSQL is one page of orders, newest first, with every filter a bind: :1/:2 status, :3/:4
// customer, :5/:6 from, :7/:8 to (created_at >= from, < to), :9 backlog flag and :10 its cutoff,
// :11 suspicious flag and :12 its threshold, :13 = 1 on the first page, :14..:16 the keyset, :17 the
// page size (limit+1). Line count and shipment status are scalar subqueries over their indexes.
const listSQL = `SELECT o.id, o.customer_id, c.name, o.status, o.payment_status, o.total, o.currency, o.region, o.created_at, o.updated_at,
    (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS line_count,
    (SELECT MIN(s.status) FROM shipments s WHERE s.order_id = o.id) AS shipment_status
FROM orders o
JOIN customers c ON c.id = o.customer_id
WHERE (:1 IS NULL OR o.status = :2)
  AND (:3 IS NULL OR o.customer_id = :4)
  AND (:5 IS NULL OR o.created_at >= :6)
  AND (:7 IS NULL OR o.created_at < :8)
  AND (:9 = 0 OR (o.status IN ('pending', 'processing') AND o.created_at < :10))
  AND (:11 = 0 OR o.total >= :12)
  AND (:13 = 1 OR o.created_at < :14 OR (o.created_at = :15 AND o.id < :16))
ORDER BY o.created_at DESC, o.id DESC
FETCH FIRST :17 ROWS ONLY`

// filters is a validated list request.
type filters struct {
	status              any // string or nil
	customer            any // int64 or nil
	from, to            any // time.Time or nil
	backlog, suspicious int
}

func parseFilters(op string, q url.Values) (filters, error) {
	var f filters
	if v := q.Get("status"); v != "" {
		if !isOrderStatus(v) {
			return f, apperr.E(op, apperr.Invalid, "status must be one of pending, payment_pending, paid, processing, shipped, delivered, cancelled, refunded")
		}
		f.status = v
	}
	if v := q.Get("customer_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return f, apperr.E(op, apperr.Invalid, "customer_id must be a positive integer")
		}
		f.customer = n
	}
	for _, d := range []struct {
		name string
		dst  *any
	}{{"from", &f.from}, {"to", &f.to}} {
		if v := q.Get(d.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, apperr.E(op, apperr.Invalid, d.name+" must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z")
			}
			*d.dst = t.UTC()
		}
	}
	for _, b := range []struct {
		name string
		dst  *int
	}{{"backlog", &f.backlog}, {"suspicious", &f.suspicious}} {
		switch q.Get(b.name) {
		case "", "false":
		case "true":
			*b.dst = 1
		default:
			return f, apperr.E(op, apperr.Invalid, b.name+" must be true or false")
		}
	}
	return f, nil
}

func (s *Service) list(w http.ResponseWriter, r *http.Request) error {
	const op = "crmorders.List"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	f, err := parseFilters(op, q)
	if err != nil {
		return err
	}
	req, err := web.ParseNewestFirst(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	now := s.clock()
	cutoff := now.Add(-backlogAge)
	first, at, afterID := req.Keyset()
	var rows []Summary
	err = db.Each(r.Context(), s.db, listSQL, []any{f.status, f.status, f.customer, f.customer, f.from, f.from, f.to, f.to,
		f.backlog, cutoff, f.suspicious, suspiciousFrom, first, at, at, afterID, req.Limit + 1},
		func(scan func(...any) error) error {
			var o Summary
			var ship db.Text // a scalar subquery: NULL (no shipment) is "" on both databases
			if err := scan(&o.ID, &o.CustomerID, &o.CustomerName, &o.Status, &o.PaymentStatus, &o.Total, &o.Currency,
				&o.Region, &o.CreatedAt, &o.UpdatedAt, &o.Lines, &ship); err != nil {
				return err
			}
			if ship != "" {
				st := string(ship)
				o.ShipmentStatus = &st
			}
			o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
			o.Backlog = (o.Status == Pending || o.Status == Processing) && o.CreatedAt.Before(cutoff)
			o.Suspicious = o.Total >= suspiciousFrom
			rows = append(rows, o)
			return nil
		})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	items, next, err := web.Next(req, rows, func(o Summary) (time.Time, int64) { return o.CreatedAt, o.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	if items == nil {
		items = []Summary{}
	}
	w.Header().Set("Cache-Control", "no-store")
	web.JSON(w, http.StatusOK, ListPage{Items: items, NextCursor: next})
	return nil
}
