package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/octo-drone-shop/serverless/shared/internal/loadgen"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// bench holds what the scenarios share.
type bench struct {
	base   string
	store  *sql.DB
	stmts  *loadgen.StatementLog
	token  string
	client *http.Client
	seq    atomic.Int64
}

// route is one measured request.
type route struct{ name, path string }

// signIn logs in as the seeded admin through the auth function (every CRM permission).
func (b *bench) signIn(ctx context.Context) error {
	b.client = &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := `{"email":"admin@octo-drone-shop.example","password":"` + seed.AdminPassword + `"}`
	req, err := http.NewRequestWithContext(ctx, "POST", b.base+"/api/auth/login", bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return fmt.Errorf("login as admin: %d %v", resp.StatusCode, err)
	}
	b.token = tok.AccessToken
	return nil
}

// routes are the CRM lists and details, the details of the seeded records with the most history.
func (b *bench) routes(ctx context.Context) ([]route, error) {
	var order, ticket, customer, campaign int64
	for _, q := range []struct {
		sql string
		dst *int64
	}{
		{`SELECT MAX(order_id) FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id`, &order},
		{`SELECT MAX(ticket_id) FROM ticket_messages`, &ticket},
		{`SELECT MAX(customer_id) FROM orders`, &customer},
		{`SELECT MAX(campaign_id) FROM leads`, &campaign},
	} {
		if err := b.store.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return nil, fmt.Errorf("pick a record: %w", err)
		}
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []route{
		{"GET /api/crm/orders (20 per page)", "/api/crm/orders?limit=20"},
		{"GET /api/crm/orders?backlog=true", "/api/crm/orders?backlog=true&limit=20"},
		{"GET /api/crm/orders/{id}", "/api/crm/orders/" + id(order)},
		{"GET /api/crm/tickets (queue, 20 per page)", "/api/crm/tickets?limit=20"},
		{"GET /api/crm/tickets/{id}", "/api/crm/tickets/" + id(ticket)},
		{"GET /api/crm/customers?q= (20 per page)", "/api/crm/customers?q=a&limit=20"},
		{"GET /api/crm/customers/{id} (360 view)", "/api/crm/customers/" + id(customer)},
		{"GET /api/crm/campaigns (20 per page, lead counts)", "/api/crm/campaigns?limit=20"},
		{"GET /api/crm/campaigns/{id}/funnel", "/api/crm/campaigns/" + id(campaign) + "/funnel"},
		{"GET /api/crm/leads (20 per page)", "/api/crm/leads?limit=20"},
		{"GET /api/crm/leads?status=qualified&min_score=50", "/api/crm/leads?status=qualified&min_score=50&limit=20"},
	}, nil
}

// get sends one request and reports its status.
func (b *bench) get(ctx context.Context, path, requestID string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+b.token)
	if requestID != "" {
		req.Header.Set(web.RequestIDHeader, requestID)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// load times n requests by c concurrent clients, after 2c untimed ones that start the processes.
func (b *bench) load(ctx context.Context, path string, c, n int) (loadgen.Latency, error) {
	var (
		mu     sync.Mutex
		ds     []time.Duration
		failed = map[int]int{}
		wg     sync.WaitGroup
		work   = make(chan bool)
	)
	for range c {
		wg.Go(func() {
			for timed := range work {
				t0 := time.Now()
				status, err := b.get(ctx, path, "")
				d := time.Since(t0)
				mu.Lock()
				switch {
				case err != nil || status != http.StatusOK:
					failed[status]++
				case timed:
					ds = append(ds, d)
				}
				mu.Unlock()
			}
		})
	}
	for i := range 2*c + n {
		work <- i >= 2*c
	}
	close(work)
	wg.Wait()
	if len(failed) > 0 {
		return loadgen.Latency{}, fmt.Errorf("failed requests by status: %v", failed)
	}
	return loadgen.Summarize(ds), nil
}

// statements sends one request with a known id and reads its statement count from the access log.
func (b *bench) statements(ctx context.Context, path string) (int, error) {
	rid := "bench-crm-" + strconv.FormatInt(b.seq.Add(1), 10) + "-" + web.NewID()[:8]
	if status, err := b.get(ctx, path, rid); err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("GET %s = %d: %v", path, status, err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if s, ok := b.stmts.Statements(rid); ok {
			return s, nil
		}
	}
	return 0, fmt.Errorf("no access log line for request %s", rid)
}
