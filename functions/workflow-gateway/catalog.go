package workflowgateway

import (
	"fmt"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Kind is the type of a query parameter or result column.
type Kind string

// The kinds. Money is NUMBER(12,2) scanned exactly (money.Cents, a two-decimal string in JSON).
const (
	Int   Kind = "int"
	Text  Kind = "text"
	Money Kind = "money"
	Time  Kind = "time"
)

// Param is a typed, bounded query parameter. Int parameters are bound as integers between Min and
// Max; Text parameters must be one of Allowed. Binds follow the order of Query.Params, then the row
// cap (the statement's last bind).
type Param struct {
	Name    string   `json:"name"`
	Kind    Kind     `json:"type"`
	Min     int64    `json:"min,omitempty"`
	Max     int64    `json:"max,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
	Default string   `json:"default"`
	Doc     string   `json:"description"`
	// DaysAgo binds an Int parameter n as the time n days before the run (a cutoff to compare
	// timestamps with), so no statement needs interval arithmetic.
	DaysAgo bool `json:"-"`
}

// Column is one result column, scanned by kind.
type Column struct {
	Name string `json:"name"`
	Kind Kind   `json:"type"`
}

// Query is a named read-only query of the catalog: declared once here, listed by
// GET /api/workflows/queries, run by POST /api/workflows/queries/{name}/run and, when Sweep, by every
// scheduled sweep. SQL is the exact text sent to the database (its SQL_ID is recorded); its last bind
// is the row cap, at most MaxRows.
type Query struct {
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	Component string   `json:"component"`
	SQL       string   `json:"sql"`
	Params    []Param  `json:"params"`
	Columns   []Column `json:"columns"`
	Sweep     bool     `json:"sweep"`
}

// MaxRows caps every query's answer; DefaultRows is the cap when the request names none.
const (
	MaxRows     = 200
	DefaultRows = 50
)

// Catalog is the fixed list of queries, in display order.
func Catalog() []Query { return catalog }

var catalog = []Query{
	{
		Name: "orders_backlog", Label: "Orders backlog by status", Component: "orders", Sweep: true,
		SQL: `SELECT o.status, COUNT(*) AS order_count, SUM(o.total) AS order_value, MIN(o.created_at) AS oldest
FROM orders o
WHERE o.status NOT IN ('delivered', 'cancelled', 'refunded')
GROUP BY o.status
ORDER BY order_count DESC, o.status
FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"status", Text}, {"order_count", Int}, {"order_value", Money}, {"oldest", Time}},
	},
	{
		Name: "inventory_watch", Label: "Inventory watch (low stock)", Component: "inventory", Sweep: true,
		SQL: `SELECT p.id, p.sku, p.name, p.stock
FROM products p
WHERE p.is_active = 1 AND p.stock <= :1
ORDER BY p.stock, p.id
FETCH FIRST :2 ROWS ONLY`,
		Params:  []Param{{Name: "max_stock", Kind: Int, Min: 0, Max: 1000, Default: "10", Doc: "stock at or below which a product is listed"}},
		Columns: []Column{{"id", Int}, {"sku", Text}, {"name", Text}, {"stock", Int}},
	},
	{
		Name: "crm_customer_mix", Label: "CRM customer mix by spend", Component: "crm", Sweep: false,
		SQL: `SELECT t.tier, COUNT(*) AS customers, SUM(t.spend) AS total_spend
FROM (SELECT c.id,
             CASE WHEN COALESCE(SUM(o.total), 0) >= 1000 THEN 'high'
                  WHEN COALESCE(SUM(o.total), 0) >= 100 THEN 'medium'
                  WHEN COALESCE(SUM(o.total), 0) > 0 THEN 'low'
                  ELSE 'none' END AS tier,
             COALESCE(SUM(o.total), 0) AS spend
      FROM customers c
      LEFT JOIN orders o ON o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded')
      GROUP BY c.id) t
GROUP BY t.tier
ORDER BY total_spend DESC, t.tier
FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"tier", Text}, {"customers", Int}, {"total_spend", Money}},
	},
	{
		Name: "top_products", Label: "Top products by revenue", Component: "catalog", Sweep: false,
		SQL: `SELECT oi.product_id, MIN(oi.product_name) AS product_name, SUM(oi.quantity) AS units, SUM(oi.line_total) AS revenue
FROM order_items oi
JOIN orders o ON o.id = oi.order_id
WHERE o.status NOT IN ('cancelled', 'refunded')
  AND o.created_at >= :1
GROUP BY oi.product_id
ORDER BY revenue DESC, oi.product_id
FETCH FIRST :2 ROWS ONLY`,
		Params:  []Param{{Name: "days", Kind: Int, Min: 1, Max: 3650, Default: "365", Doc: "orders placed in the last N days", DaysAgo: true}},
		Columns: []Column{{"product_id", Int}, {"product_name", Text}, {"units", Int}, {"revenue", Money}},
	},
	{
		Name: "conversion_funnel", Label: "Conversion funnel", Component: "storefront", Sweep: true,
		SQL: `SELECT 'sessions' AS stage, 1 AS step, COUNT(DISTINCT pv.session_id) AS total FROM page_views pv WHERE pv.session_id IS NOT NULL
UNION ALL
SELECT 'carts', 2, COUNT(DISTINCT ci.cart_id) FROM cart_items ci
UNION ALL
SELECT 'orders', 3, COUNT(*) FROM orders o
UNION ALL
SELECT 'delivered', 4, COUNT(*) FROM orders o2 WHERE o2.status = 'delivered'
ORDER BY step
FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"stage", Text}, {"step", Int}, {"total", Int}},
	},
	{
		Name: "component_topology", Label: "Component topology", Component: "workflow", Sweep: false,
		SQL: `SELECT cs.component, cs.component_type, COUNT(*) AS snapshots,
       SUM(CASE WHEN cs.status = 'up' THEN 1 ELSE 0 END) AS up_count, MAX(cs.created_at) AS last_seen
FROM component_snapshots cs
GROUP BY cs.component, cs.component_type
ORDER BY cs.component
FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"component", Text}, {"component_type", Text}, {"snapshots", Int}, {"up_count", Int}, {"last_seen", Time}},
	},
}

// lookup returns the catalog query called name.
func lookup(list []Query, name string) (Query, bool) {
	for _, q := range list {
		if q.Name == name {
			return q, true
		}
	}
	return Query{}, false
}

// binds validates the request's parameters against q's declarations (unknown names, types and bounds
// refused) and returns the statement's binds: the parameters in declaration order, then the row cap.
func (q Query) binds(op string, given map[string]string, maxRows int, now time.Time) ([]any, error) {
	for k := range given {
		if _, ok := q.param(k); !ok {
			return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("query %s has no parameter %q", q.Name, k))
		}
	}
	out := make([]any, 0, len(q.Params)+1)
	for _, p := range q.Params {
		v, ok := given[p.Name]
		if !ok {
			v = p.Default
		}
		b, err := p.value(v)
		if err != nil {
			return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("parameter %s: %v", p.Name, err))
		}
		if n, ok := b.(int64); ok && p.DaysAgo {
			b = now.Add(-time.Duration(n) * 24 * time.Hour)
		}
		out = append(out, b)
	}
	return append(out, maxRows), nil
}

func (q Query) param(name string) (Param, bool) {
	for _, p := range q.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

func (p Param) value(v string) (any, error) {
	switch p.Kind {
	case Int:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < p.Min || n > p.Max {
			return nil, fmt.Errorf("want an integer from %d to %d", p.Min, p.Max)
		}
		return n, nil
	case Text:
		for _, a := range p.Allowed {
			if v == a {
				return v, nil
			}
		}
		return nil, fmt.Errorf("want one of %v", p.Allowed)
	}
	return nil, fmt.Errorf("unsupported parameter type %s", p.Kind)
}
