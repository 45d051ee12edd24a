package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// bench holds what the scenarios share.
type bench struct {
	base     string
	store    *sql.DB
	stmts    *loadgen.StatementLog
	shoppers *http.Client
	seq      atomic.Int64 // unique suffix for products, keys and request ids
}

// catalog times sequential product list pages.
func (b *bench) catalog(ctx context.Context, n int) (loadgen.Latency, error) {
	client := &http.Client{Timeout: time.Minute}
	var ds []time.Duration
	for i := range n + n/10 {
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, "GET", b.base+"/api/products?limit=20&sort=rating", nil)
		if err != nil {
			return loadgen.Latency{}, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return loadgen.Latency{}, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return loadgen.Latency{}, fmt.Errorf("GET /api/products = %d", resp.StatusCode)
		}
		if i >= n/10 { // the first tenth warms the processes up
			ds = append(ds, time.Since(start))
		}
	}
	return loadgen.Summarize(ds), nil
}

// checkouts times n checkouts of one-line carts by c concurrent clients, after 2c untimed ones that
// start the function processes the gateway scales out to (cold starts are the spine benchmark's).
func (b *bench) checkouts(ctx context.Context, c, n int) (checkoutResult, error) {
	products, err := b.products(ctx, 1)
	if err != nil {
		return checkoutResult{}, err
	}
	carts, err := b.carts(ctx, 2*c+n, products)
	if err != nil {
		return checkoutResult{}, err
	}
	if _, failed := b.fire(ctx, c, carts[:2*c]); len(failed) > 0 {
		return checkoutResult{}, fmt.Errorf("warm-up checkouts failed, by status: %v", failed)
	}
	start := time.Now()
	ds, failed := b.fire(ctx, c, carts[2*c:])
	wall := time.Since(start)
	r := checkoutResult{Clients: c, Latency: loadgen.Summarize(ds), OrdersPerSecond: float64(len(ds)) / wall.Seconds()}
	if len(failed) > 0 {
		return r, fmt.Errorf("%d checkouts failed, by status: %v", n-len(ds), failed)
	}
	var stock int64
	if err := b.store.QueryRowContext(ctx, `SELECT stock FROM products WHERE id = :1`, products[0]).Scan(&stock); err != nil {
		return r, err
	}
	if want := benchStock - int64(len(carts)); stock != want {
		return r, fmt.Errorf("stock is %d after %d orders of one unit, want %d", stock, len(carts), want)
	}
	return r, nil
}

// fire checks out every cart with c concurrent clients and returns the latencies of the 201s and
// the count of other answers by status (0: no answer).
func (b *bench) fire(ctx context.Context, c int, carts []string) ([]time.Duration, map[int]int) {
	var (
		mu     sync.Mutex
		ds     []time.Duration
		failed = map[int]int{}
		work   = make(chan int)
		wg     sync.WaitGroup
	)
	for w := range c {
		wg.Go(func() {
			for i := range work {
				t0 := time.Now()
				status, err := b.checkout(ctx, carts[i], fmt.Sprintf("bench-%d@example.com", w), "")
				d := time.Since(t0)
				mu.Lock()
				if err != nil || status != http.StatusCreated {
					failed[status]++
				} else {
					ds = append(ds, d)
				}
				mu.Unlock()
			}
		})
	}
	for i := range carts {
		work <- i
	}
	close(work)
	wg.Wait()
	return ds, failed
}

// statementsPerCheckout places one order of a cart with n lines and a coupon, and reads the
// statements it ran from the checkout's access log.
func (b *bench) statementsPerCheckout(ctx context.Context, n int) (int, error) {
	products, err := b.products(ctx, n)
	if err != nil {
		return 0, err
	}
	carts, err := b.carts(ctx, 1, products)
	if err != nil {
		return 0, err
	}
	rid := "bench-stmts-" + strconv.FormatInt(b.seq.Add(1), 10) + "-" + web.NewID()[:8]
	status, err := b.checkout(ctx, carts[0], "bench-lines@example.com", rid)
	if err != nil || status != http.StatusCreated {
		return 0, fmt.Errorf("checkout of %d lines = %d: %v", n, status, err)
	}
	// The access log line is written when the handler returns, just after the answer: wait for it.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s, ok := b.stmts.Statements(rid); ok {
			return s, nil
		}
	}
	return 0, fmt.Errorf("no access log line for request %s", rid)
}

// checkout places one order and returns the status.
func (b *bench) checkout(ctx context.Context, cartID, email, requestID string) (int, error) {
	body := `{"cart_id":"` + cartID + `","customer":{"name":"Bench Shopper","email":"` + email + `"},` +
		`"shipping_address":"1 Bench Way, Springfield","payment_method":"card","coupon_code":"WELCOME10"}`
	req, err := http.NewRequestWithContext(ctx, "POST", b.base+"/api/checkout", bytes.NewBufferString(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "bench-"+cartID)
	if requestID != "" {
		req.Header.Set(web.RequestIDHeader, requestID)
	}
	resp, err := b.shoppers.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// benchStock is the stock of every product the benchmark creates: it never runs out.
const benchStock = 1_000_000

// products inserts n products for one scenario and returns their ids.
func (b *bench) products(ctx context.Context, n int) ([]int64, error) {
	run := b.seq.Add(1)
	ids := make([]int64, n)
	for i := range n {
		id, err := db.InsertReturningID(ctx, b.store, `INSERT INTO products (sku, name, category, price, stock)
VALUES (:1, :2, 'bench', '129.00', :3) RETURNING id INTO :4`,
			fmt.Sprintf("BENCH-%d-%d", run, i), fmt.Sprintf("Bench product %d-%d", run, i), benchStock)
		if err != nil {
			return nil, fmt.Errorf("insert product: %w", err)
		}
		ids[i] = id
	}
	return ids, nil
}

// carts inserts n carts, each holding one unit of every product, and returns their ids.
func (b *bench) carts(ctx context.Context, n int, products []int64) ([]string, error) {
	ids := make([]string, n)
	cartRows := make([][]any, n)
	var itemRows [][]any
	for i := range ids {
		ids[i] = web.NewID()
		cartRows[i] = []any{ids[i]}
		for _, p := range products {
			itemRows = append(itemRows, []any{ids[i], p})
		}
	}
	if _, err := db.ExecBatch(ctx, b.store, `INSERT INTO carts (id) VALUES (:1)`, cartRows); err != nil {
		return nil, fmt.Errorf("insert carts: %w", err)
	}
	if _, err := db.ExecBatch(ctx, b.store, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, :2, 1)`, itemRows); err != nil {
		return nil, fmt.Errorf("insert cart items: %w", err)
	}
	return ids, nil
}
