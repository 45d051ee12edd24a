package checkout

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type fixture struct {
	db     *dbtest.DB
	h      http.Handler
	tokens *dbtest.Tokens
}

// newFixture opens a seeded database on a pool of several connections, so concurrent requests run
// in concurrent transactions (SQLite's BEGIN IMMEDIATE and busy timeout decide who waits).
func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	d.SetMaxOpenConns(8)
	tokens := dbtest.NewTokens(t)
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), WithVerifier(tokens.Verifier))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h, tokens: tokens}
}

// product inserts an active product with the price (cents) and stock and returns its id.
func (f fixture) product(t testing.TB, sku string, price, stock int64) int64 {
	t.Helper()
	id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO products (sku, name, category, price, stock)
VALUES (:1, :2, 'test', :3, :4) RETURNING id INTO :5`, sku, "Product "+sku, fmt.Sprintf("%d.%02d", price/100, price%100), stock)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// cart creates a cart holding qty of each product and returns its id.
func (f fixture) cart(t testing.TB, lines map[int64]int64) string {
	t.Helper()
	id := web.NewID()
	f.db.Exec(t, `INSERT INTO carts (id) VALUES (:1)`, id)
	var rows [][]any
	for p, q := range lines {
		rows = append(rows, []any{id, p, q})
	}
	if len(rows) > 0 {
		if _, err := db.ExecBatch(context.Background(), f.db, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, :2, :3)`, rows); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// body is a valid checkout body for the cart.
func body(cartID, email, coupon string) string {
	c := ""
	if coupon != "" {
		c = `,"coupon_code":"` + coupon + `"`
	}
	return `{"cart_id":"` + cartID + `","customer":{"name":"Pat Shopper","email":"` + email + `","phone":"+1 555 0100"},` +
		`"shipping_address":"1 Main St, Springfield","payment_method":"card"` + c + `}`
}

// answer is a checkout response.
type answer struct {
	status     int
	result     Result
	err        web.ErrorDetail
	statements int
	replayed   bool
	raw        []byte
	header     http.Header
}

// post sends a request to the handler; key "" sends no Idempotency-Key.
func (f fixture) post(t testing.TB, path, key, payload string) answer {
	t.Helper()
	var h map[string]string
	if key != "" {
		h = map[string]string{IdempotencyKeyHeader: key}
	}
	return f.postWith(t, path, h, payload)
}

// postWith sends a request with the headers to the handler.
func (f fixture) postWith(t testing.TB, path string, headers map[string]string, payload string) answer {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	a := answer{status: rec.Code, statements: db.StatsFrom(ctx).Statements, replayed: rec.Header().Get("Idempotent-Replayed") == "true",
		raw: rec.Body.Bytes(), header: rec.Header()}
	if rec.Code < 300 {
		if err := json.Unmarshal(rec.Body.Bytes(), &a.result); err != nil {
			t.Errorf("decode %s: %v", rec.Body, err)
		}
		return a
	}
	var e web.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
		t.Errorf("%d without the JSON error body: %s", rec.Code, rec.Body)
	}
	a.err = e.Error
	return a
}

func (f fixture) checkout(t testing.TB, key, payload string) answer {
	t.Helper()
	return f.post(t, "/api/checkout", key, payload)
}
