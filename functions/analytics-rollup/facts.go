package analyticsrollup

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// factsSQL reads the base rows of one period [from, to) in one statement: one UNION ALL branch per
// kind of fact, each in a common shape (kind, three numbers, three texts, an amount and the fact's
// time; a place a kind does not use is 0 or NULL). Each row's bucket is its time. One statement
// rather than one per table:
//   - on Oracle a statement reads one consistent snapshot, so an order and its items are counted
//     together; separate statements could see an order committed between them in one and not the
//     other, and the sales and product figures of a bucket would disagree;
//   - it is one round trip to ATP and one statement to prepare instead of six.
//
// Each branch binds its own copy of the period (:1 to :12): Oracle binds positional values to
// placeholder occurrences, not names (see sqltext's repeatedBind).
const factsSQL = `SELECT 'order' AS kind, id AS n1, 0 AS n2, 0 AS n3, status AS t1, COALESCE(region, 'unknown') AS t2,
  NULL AS t3, total AS amount, created_at AS fact_at
FROM orders WHERE created_at >= :1 AND created_at < :2
UNION ALL
SELECT 'item', i.order_id, i.product_id, i.quantity, p.category, NULL, NULL, i.line_total, o.created_at
FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
WHERE o.created_at >= :3 AND o.created_at < :4
UNION ALL
SELECT 'view', COALESCE(load_time_ms, -1), 0, 0, session_id, COALESCE(region, 'unknown'), page, 0, created_at
FROM page_views WHERE created_at >= :5 AND created_at < :6
UNION ALL
SELECT 'cart', 0, 0, 0, NULL, NULL, NULL, 0, c.created_at
FROM carts c WHERE c.created_at >= :7 AND c.created_at < :8 AND EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)
UNION ALL
SELECT 'lead', COALESCE(campaign_id, 0), 0, 0, status, NULL, NULL, 0, created_at
FROM leads WHERE created_at >= :9 AND created_at < :10
UNION ALL
SELECT 'incident', event_count, 0, 0, attack_type, severity, NULL, 0, window_start
FROM security_events WHERE window_start >= :11 AND window_start < :12`

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

// loadFacts reads the base rows of [from, to): one statement whatever the period holds (factsSQL).
func loadFacts(ctx context.Context, q db.DBTX, from, to time.Time) (*facts, error) {
	f := &facts{}
	period := []any{from, to, from, to, from, to, from, to, from, to, from, to}
	err := each(ctx, q, factsSQL, period, func(r *sql.Rows) error {
		var (
			kind       string
			n1, n2, n3 int64
			t1         string
			t2, t3     db.Text // typeless on the embedded database: NULL there, "" on Oracle
			amount     money.Cents
			at         time.Time
		)
		if err := r.Scan(&kind, &n1, &n2, &n3, &t1, &t2, &t3, &amount, &at); err != nil {
			return err
		}
		switch kind {
		case "order":
			f.orders = append(f.orders, orderFact{id: n1, status: t1, region: string(t2), total: amount, at: at})
		case "item":
			f.items = append(f.items, itemFact{order: n1, product: n2, category: t1, qty: n3, total: amount, at: at})
		case "view":
			f.views = append(f.views, viewFact{session: t1, region: string(t2), page: string(t3), loadMS: n1, at: at})
		case "cart":
			f.carts = append(f.carts, at)
		case "lead":
			f.leads = append(f.leads, leadFact{campaign: n1, status: t1, at: at})
		case "incident":
			f.incidents = append(f.incidents, incidentFact{kind: t1, severity: string(t2), count: n1, at: at})
		default:
			return fmt.Errorf("unknown kind of fact %q", kind)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
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
