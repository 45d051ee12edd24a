package analyticsrollup

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// The base-table reads of one period [from, to): each row's bucket is its time below.
const (
	ordersSQL = `SELECT id, status, COALESCE(region, 'unknown'), total, created_at FROM orders
WHERE created_at >= :1 AND created_at < :2`
	orderItemsSQL = `SELECT i.order_id, i.product_id, p.category, i.quantity, i.line_total, o.created_at
FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
WHERE o.created_at >= :1 AND o.created_at < :2`
	pageViewsSQL = `SELECT COALESCE(session_id, ''), COALESCE(region, 'unknown'), page, COALESCE(load_time_ms, -1), created_at FROM page_views
WHERE created_at >= :1 AND created_at < :2`
	cartsSQL = `SELECT c.created_at FROM carts c
WHERE c.created_at >= :1 AND c.created_at < :2 AND EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)`
	leadsSQL = `SELECT COALESCE(campaign_id, 0), status, created_at FROM leads
WHERE created_at >= :1 AND created_at < :2`
	securityEventsSQL = `SELECT attack_type, severity, event_count, window_start FROM security_events
WHERE window_start >= :1 AND window_start < :2`
)

// facts are the base rows of one period, as the metrics need them.
type facts struct {
	orders    []orderFact
	items     []itemFact
	views     []viewFact
	carts     []time.Time
	leads     []leadFact
	incidents []incidentFact
}

type orderFact struct {
	id             int64
	status, region string
	total          money.Cents
	at             time.Time
}

type itemFact struct {
	order, product int64
	category       string
	qty            int64
	total          money.Cents
	at             time.Time
}

type viewFact struct {
	session, region, page string
	loadMS                int64 // -1 when the view carried no load time
	at                    time.Time
}

type leadFact struct {
	campaign int64 // 0 without a campaign
	status   string
	at       time.Time
}

type incidentFact struct {
	kind, severity string
	count          int64
	at             time.Time
}

// loadFacts reads the base rows of [from, to): six statements whatever the period holds.
func loadFacts(ctx context.Context, q db.DBTX, from, to time.Time) (*facts, error) {
	f := &facts{}
	type read struct {
		name, sql string
		scan      func(*sql.Rows) error
	}
	reads := []read{
		{"orders", ordersSQL, func(r *sql.Rows) error {
			var o orderFact
			err := r.Scan(&o.id, &o.status, &o.region, &o.total, &o.at)
			f.orders = append(f.orders, o)
			return err
		}},
		{"order items", orderItemsSQL, func(r *sql.Rows) error {
			var i itemFact
			err := r.Scan(&i.order, &i.product, &i.category, &i.qty, &i.total, &i.at)
			f.items = append(f.items, i)
			return err
		}},
		{"page views", pageViewsSQL, func(r *sql.Rows) error {
			var v viewFact
			err := r.Scan(&v.session, &v.region, &v.page, &v.loadMS, &v.at)
			f.views = append(f.views, v)
			return err
		}},
		{"carts", cartsSQL, func(r *sql.Rows) error {
			var at time.Time
			err := r.Scan(&at)
			f.carts = append(f.carts, at)
			return err
		}},
		{"leads", leadsSQL, func(r *sql.Rows) error {
			var l leadFact
			err := r.Scan(&l.campaign, &l.status, &l.at)
			f.leads = append(f.leads, l)
			return err
		}},
		{"security events", securityEventsSQL, func(r *sql.Rows) error {
			var e incidentFact
			err := r.Scan(&e.kind, &e.severity, &e.count, &e.at)
			f.incidents = append(f.incidents, e)
			return err
		}},
	}
	for _, rd := range reads {
		if err := each(ctx, q, rd.sql, []any{from, to}, rd.scan); err != nil {
			return nil, fmt.Errorf("read %s: %w", rd.name, err)
		}
	}
	return f, nil
}

// each runs a query and calls scan on every row.
func each(ctx context.Context, q db.DBTX, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
