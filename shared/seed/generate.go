package seed

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// ActivityOptions sizes a run of Activity.
type ActivityOptions struct {
	// Days of history to generate, ending at Now (1..366).
	Days int
	// Orders is the number of orders over those days; 100 a day when zero.
	Orders int
	// Seed makes the run reproducible: the same seed, options and database state give the same rows.
	Seed uint64
	// Now is the end of the generated period; time.Now when zero.
	Now time.Time
}

// ActivityResult counts what Activity wrote.
type ActivityResult struct {
	Customers, Orders, OrderItems, Sessions, PageViews, Carts, CartItems, Leads, SecurityEvents int
}

// String renders the result for the operator.
func (r ActivityResult) String() string {
	return fmt.Sprintf("activity: %d orders (%d items), %d sessions, %d page views, %d carts (%d items), %d leads, %d security events, %d customers\n",
		r.Orders, r.OrderItems, r.Sessions, r.PageViews, r.Carts, r.CartItems, r.Leads, r.SecurityEvents, r.Customers)
}

const (
	activityProductsSQL  = `SELECT id, name, price, category FROM products WHERE is_active = 1 ORDER BY id`
	activityCampaignsSQL = `SELECT id FROM campaigns ORDER BY id`
	activityTagSQL       = `SELECT (SELECT COUNT(*) FROM orders) + (SELECT COUNT(*) FROM customers) FROM dual`
	activityCustomerSQL  = `INSERT INTO customers (name, email, company, industry, region, created_at, updated_at) VALUES (:1, :2, :3, :4, :5, :6, :7)`
	activityCustIDsSQL   = `SELECT id, email FROM customers WHERE email LIKE :1`
	activityOrderSQL     = `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, status, payment_method, payment_status,
    shipping_address, region, idempotency_key, created_at, updated_at)
VALUES (:1, :2, 0, :3, :4, 'USD', :5, 'card', :6, :7, :8, :9, :10, :11)`
	activityOrderIDsSQL = `SELECT id, idempotency_key FROM orders WHERE idempotency_key LIKE :1`
	activityCartSQL     = `INSERT INTO carts (id, customer_id, created_at, updated_at, expires_at) VALUES (:1, :2, :3, :4, :5)`
	activityCartItemSQL = `INSERT INTO cart_items (cart_id, product_id, quantity, created_at, updated_at) VALUES (:1, :2, :3, :4, :5)`
)

// Regions the generated traffic comes from, with the load time each adds (ms, farther from origin).
var activityRegions = []struct {
	name string
	base float64
}{{"us-west", 140}, {"us-central", 170}, {"us-east", 210}, {"eu-central", 320}, {"ap-southeast", 430}}

type stocked struct {
	id             int64
	name, category string
	price          money.Cents
}

type activityOrder struct {
	key, status, region string
	customer            int64
	at                  time.Time
	lines               []line
}

type line struct {
	p   stocked
	qty int
}

// Activity writes realistic, reproducible shop activity over the last opts.Days days on a seeded
// database, in one transaction: sessions of page views (region, load time), carts with items, orders
// with items whose status depends on their age (older orders delivered, about 6% cancelled, 2%
// refunded), leads and security events. Each order comes from a session that viewed the products and
// filled a cart; two of every three sessions leave without ordering, some with a cart. Every row's
// updated_at is the time of the write (Now): the rows change the database now, which is what the
// analytics rollup's change tracking reads. All rows go in with array DML in slices of about 1000 binds;
// generated orders and customers carry a run tag in their idempotency key and email.
func Activity(ctx context.Context, d *sql.DB, opts ActivityOptions) (ActivityResult, error) {
	if opts.Days < 1 || opts.Days > 366 {
		return ActivityResult{}, fmt.Errorf("seed.Activity: days must be 1..366, not %d", opts.Days)
	}
	if opts.Orders <= 0 {
		opts.Orders = 100 * opts.Days
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	g := &generator{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x0c70)), now: opts.Now.UTC().Truncate(time.Millisecond)}
	err := db.InTx(ctx, d, g.run)
	if err != nil {
		return ActivityResult{}, fmt.Errorf("seed.Activity: %w", err)
	}
	return g.res, nil
}

type generator struct {
	opts      ActivityOptions
	rng       *rand.Rand
	now       time.Time
	tag       int64
	products  []stocked
	campaigns []int64
	customers []int64
	res       ActivityResult
	views     [][]any
	carts     [][]any
	cartItems [][]any
}

func (g *generator) run(ctx context.Context, tx *sql.Tx) error {
	if err := tx.QueryRowContext(ctx, activityTagSQL).Scan(&g.tag); err != nil {
		return fmt.Errorf("run tag: %w", err)
	}
	// The stream is the seed's and the database's: two runs with the same seed on a growing database
	// (seed --activity twice) must not draw the same numbers, or their cart ids (two draws each)
	// collide whenever the runs' draws line up, which depends on the time of day (instant's
	// rejection sampling). The same seed and database state still give the same rows.
	g.rng = rand.New(rand.NewPCG(g.opts.Seed, 0x0c70^uint64(g.tag)))
	if err := g.load(ctx, tx); err != nil {
		return err
	}
	if err := g.people(ctx, tx); err != nil {
		return err
	}
	orders := g.plan()
	if err := g.insertOrders(ctx, tx, orders); err != nil {
		return err
	}
	for _, b := range []struct {
		name, sql string
		rows      [][]any
	}{{"carts", activityCartSQL, g.carts}, {"cart items", activityCartItemSQL, g.cartItems}, {"page views", insertPageViewSQL, g.views}} {
		if err := batches(ctx, tx, b.sql, b.rows); err != nil {
			return fmt.Errorf("insert %s: %w", b.name, err)
		}
	}
	return g.marketingAndSecurity(ctx, tx)
}

// batches inserts rows in slices of about 1000 binds: one statement never carries an unbounded
// array, and the embedded database's bind-by-name lookup, linear in a statement's bind count, stays
// cheap (2000-row slices made generation quadratic there).
func batches(ctx context.Context, tx *sql.Tx, query string, rows [][]any) error {
	size := 100
	if len(rows) > 0 {
		size = max(1, 1000/len(rows[0]))
	}
	for len(rows) > 0 {
		n := min(size, len(rows))
		if _, err := db.ExecBatch(ctx, tx, query, rows[:n]); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func (g *generator) load(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, activityProductsSQL)
	if err != nil {
		return fmt.Errorf("read products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p stocked
		if err := rows.Scan(&p.id, &p.name, &p.price, &p.category); err != nil {
			return err
		}
		g.products = append(g.products, p)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(g.products) == 0 {
		return fmt.Errorf("no products: seed the database first")
	}
	ids, err := tx.QueryContext(ctx, activityCampaignsSQL)
	if err != nil {
		return fmt.Errorf("read campaigns: %w", err)
	}
	defer ids.Close()
	for ids.Next() {
		var id int64
		if err := ids.Scan(&id); err != nil {
			return err
		}
		g.campaigns = append(g.campaigns, id)
	}
	return ids.Err()
}

// people inserts the customers the orders belong to: one for about every five orders.
func (g *generator) people(ctx context.Context, tx *sql.Tx) error {
	n := g.opts.Orders/5 + 1
	rows := make([][]any, 0, n)
	for i := range n {
		at := g.now.Add(-time.Duration(g.opts.Days+g.rng.IntN(90)) * 24 * time.Hour)
		rows = append(rows, []any{fmt.Sprintf("Shopper %d-%d", g.tag, i), fmt.Sprintf("shopper-%d-%d@activity.example", g.tag, i), nil, nil,
			activityRegions[g.rng.IntN(len(activityRegions))].name, at, at})
	}
	if err := batches(ctx, tx, activityCustomerSQL, rows); err != nil {
		return fmt.Errorf("insert customers: %w", err)
	}
	ids, err := keyIDs2(ctx, tx, activityCustIDsSQL, fmt.Sprintf("shopper-%d-%%", g.tag))
	if err != nil {
		return fmt.Errorf("read customer ids: %w", err)
	}
	for i := range n {
		g.customers = append(g.customers, ids[fmt.Sprintf("shopper-%d-%d@activity.example", g.tag, i)])
	}
	g.res.Customers = n
	return nil
}

// keyIDs2 is keyIDs with one bind.
func keyIDs2(ctx context.Context, tx *sql.Tx, query string, arg any) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, err
		}
		out[key] = id
	}
	return out, rows.Err()
}

// instant returns a time in the period, busier in the afternoon (UTC) than at night.
func (g *generator) instant() time.Time {
	span := time.Duration(g.opts.Days) * 24 * time.Hour
	for {
		t := g.now.Add(-time.Duration(g.rng.Int64N(int64(span))))
		h := float64(t.Hour())
		if g.rng.Float64() < 0.35+0.65*math.Exp(-(h-15)*(h-15)/30) {
			return t.Truncate(time.Millisecond)
		}
	}
}

// plan generates the orders and, for each, the session that led to it plus two that did not.
func (g *generator) plan() []activityOrder {
	orders := make([]activityOrder, 0, g.opts.Orders)
	for i := range g.opts.Orders {
		at := g.instant()
		region := activityRegions[g.rng.IntN(len(activityRegions))].name
		o := activityOrder{key: fmt.Sprintf("act-%d-%07d", g.tag, i), region: region, at: at,
			customer: g.customers[g.rng.IntN(len(g.customers))]}
		for _, k := range g.rng.Perm(len(g.products))[:1+g.rng.IntN(3)] {
			o.lines = append(o.lines, line{p: g.products[k], qty: 1 + g.rng.IntN(3)})
		}
		o.status = g.status(at)
		g.session(region, at, o.lines, o.customer)
		orders = append(orders, o)
		for range 2 {
			var lines []line
			if g.rng.IntN(10) < 4 {
				lines = []line{{p: g.products[g.rng.IntN(len(g.products))], qty: 1}}
			}
			g.session(activityRegions[g.rng.IntN(len(activityRegions))].name, g.instant(), lines, 0)
		}
	}
	return orders
}

// status picks an order's status by its age: older orders are delivered, about 6% are cancelled
// and 2% refunded, recent ones are still on their way.
func (g *generator) status(at time.Time) string {
	age := g.now.Sub(at)
	r := g.rng.IntN(100)
	switch {
	case r < 6:
		return "cancelled"
	case r < 8 && age > 72*time.Hour:
		return "refunded"
	case age > 7*24*time.Hour:
		return "delivered"
	case age > 72*time.Hour:
		return []string{"shipped", "delivered", "delivered"}[g.rng.IntN(3)]
	case age > 12*time.Hour:
		return []string{"paid", "processing", "shipped"}[g.rng.IntN(3)]
	default:
		return []string{"pending", "payment_pending", "paid"}[g.rng.IntN(3)]
	}
}
