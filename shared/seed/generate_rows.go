package seed

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/octo-drone-shop/serverless/shared/money"
)

// pageWeight is the time a page adds to the region's base load time, in ms.
var pageWeight = map[string]float64{"/": 80, "/products": 150, "/product": 220, "/cart": 90, "/checkout": 260}

var activityAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
}

// visit is one page of a session.
type visit struct {
	path    string
	product any
}

// session adds one visit ending at end: the home page, the products viewed, and, with lines, a cart
// holding them (and the cart and checkout pages when it ends in an order, customer != 0).
func (g *generator) session(region string, end time.Time, lines []line, customer int64) {
	g.res.Sessions++
	id := fmt.Sprintf("act-%d-s%07d", g.tag, g.res.Sessions)
	pages := []visit{{"/", nil}}
	if g.rng.IntN(2) == 0 {
		pages = append(pages, visit{"/products", nil})
	}
	viewed := lines
	if len(viewed) == 0 && g.rng.IntN(3) > 0 {
		viewed = []line{{p: g.products[g.rng.IntN(len(g.products))]}}
	}
	for _, l := range viewed {
		pages = append(pages, visit{"/products/" + fmt.Sprint(l.p.id), l.p.id})
	}
	if len(lines) > 0 {
		pages = append(pages, visit{"/cart", nil})
	}
	if customer != 0 {
		pages = append(pages, visit{"/checkout", nil})
	}
	var cust any
	if customer != 0 {
		cust = customer
	}
	base := 0.0
	for _, r := range activityRegions {
		if r.name == region {
			base = r.base
		}
	}
	ip := fmt.Sprintf("198.18.%d.%d", g.res.Sessions>>8&255, g.res.Sessions&255)
	agent := activityAgents[g.res.Sessions%len(activityAgents)]
	var cartAt time.Time
	for k, p := range pages {
		at := end.Add(-time.Duration(len(pages)-1-k) * 40 * time.Second)
		weight := pageWeight[p.path]
		if p.product != nil {
			weight = pageWeight["/product"]
		}
		load := int(math.Round((base + weight) * math.Exp(g.rng.NormFloat64()*0.35)))
		load = max(1, min(load, 60000))
		g.views = append(g.views, []any{p.path, id, cust, p.product, load, region, "https://www.google.com/", agent, ip, at})
		if p.path == "/cart" {
			cartAt = at
		}
	}
	g.res.PageViews += len(pages)
	if len(lines) == 0 {
		return
	}
	cartID := fmt.Sprintf("%016x%016x", g.rng.Uint64(), g.rng.Uint64())
	g.carts = append(g.carts, []any{cartID, cust, cartAt, g.now, g.now.Add(7 * 24 * time.Hour)})
	for _, l := range lines {
		g.cartItems = append(g.cartItems, []any{cartID, l.p.id, max(l.qty, 1), cartAt, g.now})
	}
	g.res.Carts++
	g.res.CartItems += len(lines)
}

// insertOrders writes the orders (array DML), reads their ids back by idempotency key, then the items.
func (g *generator) insertOrders(ctx context.Context, tx *sql.Tx, orders []activityOrder) error {
	rows := make([][]any, 0, len(orders))
	for _, o := range orders {
		var sub money.Cents
		for _, l := range o.lines {
			sub += l.p.price * money.Cents(l.qty)
		}
		ship := flatShipping
		if sub >= freeShippingFrom {
			ship = 0
		}
		pay := "paid"
		switch o.status {
		case "pending", "payment_pending":
			pay = "pending"
		case "cancelled":
			pay = "cancelled"
		case "refunded":
			pay = "refunded"
		}
		rows = append(rows, []any{o.customer, sub, ship, sub + ship, o.status, pay, "1 Activity Way", o.region, o.key, o.at, g.now})
	}
	if err := batches(ctx, tx, activityOrderSQL, rows); err != nil {
		return fmt.Errorf("insert orders: %w", err)
	}
	ids, err := keyIDs2(ctx, tx, activityOrderIDsSQL, fmt.Sprintf("act-%d-%%", g.tag))
	if err != nil {
		return fmt.Errorf("read order ids: %w", err)
	}
	var items [][]any
	for _, o := range orders {
		for _, l := range o.lines {
			items = append(items, []any{ids[o.key], l.p.id, l.p.name, l.qty, l.p.price, l.p.price * money.Cents(l.qty), o.at})
		}
	}
	if err := batches(ctx, tx, insertOrderItemSQL, items); err != nil {
		return fmt.Errorf("insert order items: %w", err)
	}
	g.res.Orders, g.res.OrderItems = len(orders), len(items)
	return nil
}

var (
	leadStatuses   = []string{"new", "new", "contacted", "contacted", "qualified", "converted", "lost"}
	leadSources    = []string{"web", "referral", "social", "paid"}
	attackTypes    = []string{"sql_injection", "xss", "path_traversal", "brute_force", "credential_stuffing", "prompt_injection"}
	severities     = []string{"info", "low", "medium", "medium", "high", "critical"}
	attackEndpoint = map[string]string{"sql_injection": "/api/products", "xss": "/api/reviews", "path_traversal": "/images/../../etc/passwd",
		"brute_force": "/api/auth/login", "credential_stuffing": "/api/auth/login", "prompt_injection": "/api/assistant/chat"}
)

// marketingAndSecurity writes about one lead per 20 orders and one security event per 40.
func (g *generator) marketingAndSecurity(ctx context.Context, tx *sql.Tx) error {
	var leads [][]any
	for i := range g.opts.Orders/20 + g.opts.Days {
		at := g.instant()
		var campaign any
		if len(g.campaigns) > 0 && g.rng.IntN(4) > 0 {
			campaign = g.campaigns[g.rng.IntN(len(g.campaigns))]
		}
		status := leadStatuses[g.rng.IntN(len(leadStatuses))]
		leads = append(leads, []any{fmt.Sprintf("lead-%d-%d@activity.example", g.tag, i), fmt.Sprintf("Lead %d", i), nil, campaign, nil,
			leadSources[g.rng.IntN(len(leadSources))], status, g.rng.IntN(101), nil, 1, at, g.now})
	}
	if err := batches(ctx, tx, insertLeadSQL, leads); err != nil {
		return fmt.Errorf("insert leads: %w", err)
	}
	var events [][]any
	for i := range g.opts.Orders/40 + g.opts.Days {
		at := g.instant()
		kind := attackTypes[g.rng.IntN(len(attackTypes))]
		events = append(events, []any{kind, severities[g.rng.IntN(len(severities))], attackEndpoint[kind], "POST",
			fmt.Sprintf("100.%d.%d.%d", 64+g.tag%64, i>>8&255, i&255), "curl/8.5", nil, nil, nil,
			`{"owasp_category":"generated"}`, 1 + g.rng.IntN(20), at.Truncate(time.Minute), at, g.now})
	}
	if err := batches(ctx, tx, insertSecurityEventSQL, events); err != nil {
		return fmt.Errorf("insert security events: %w", err)
	}
	g.res.Leads, g.res.SecurityEvents = len(leads), len(events)
	return nil
}
