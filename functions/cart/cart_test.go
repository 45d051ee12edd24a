package cart

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

// do sends a request; a 2xx body is decoded into a Cart, any other must be the JSON error body.
// TestCartAnswersAreNeverCached: the cart id is the cart's only credential, and every answer carries
// it (the 201 that creates it first).
func TestCartAnswersAreNeverCached(t *testing.T) {
	f := newFixture(t)
	target := "/api/carts"
	for _, method := range []string{"POST", "GET"} {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
		if rec.Code >= 300 || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("%s %s = %d, Cache-Control %q; want no-store", method, target, rec.Code, rec.Header().Get("Cache-Control"))
		}
		target = rec.Header().Get("Location")
	}
}

func (f fixture) do(t *testing.T, method, target, body string) (int, Cart, web.ErrorBody, int) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	var (
		c Cart
		e web.ErrorBody
	)
	if rec.Code < 300 {
		if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, target, rec.Body, err)
		}
	} else if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
		t.Fatalf("%s %s = %d without the error body: %s", method, target, rec.Code, rec.Body)
	}
	return rec.Code, c, e, db.StatsFrom(ctx).Statements
}

func (f fixture) product(t *testing.T, sku string) (id, stock int64) {
	t.Helper()
	if err := f.db.QueryRowContext(context.Background(), `SELECT id, stock FROM products WHERE sku = :1`, sku).Scan(&id, &stock); err != nil {
		t.Fatal(err)
	}
	return id, stock
}

func (f fixture) newCart(t *testing.T) string {
	t.Helper()
	status, c, _, _ := f.do(t, "POST", "/api/carts", "")
	if status != http.StatusCreated || !ValidID(c.ID) || len(c.Items) != 0 {
		t.Fatalf("create = %d %+v", status, c)
	}
	return c.ID
}

func add(id, qty int64) string {
	return `{"product_id":` + strconv.FormatInt(id, 10) + `,"quantity":` + strconv.FormatInt(qty, 10) + `}`
}

func TestCartLifecycle(t *testing.T) {
	f := newFixture(t)
	cartID := f.newCart(t)
	if other := f.newCart(t); other == cartID {
		t.Fatal("two carts got the same id")
	}
	pad, _ := f.product(t, "ACC-PAD-150")  // 79.00, stock 140
	vest, _ := f.product(t, "ACC-VEST-HV") // 49.00, stock 90
	base := "/api/carts/" + cartID

	status, c, _, stmts := f.do(t, "POST", base+"/items", add(pad, 2))
	if status != http.StatusOK || len(c.Items) != 1 || c.Items[0].Quantity != 2 || c.Subtotal != 15800 {
		t.Fatalf("add = %d %+v", status, c)
	}
	if stmts != 4 {
		t.Errorf("add ran %d statements, want 4", stmts)
	}
	// Adding the same product merges into its line.
	if status, c, _, _ = f.do(t, "POST", base+"/items", add(pad, 3)); status != http.StatusOK || len(c.Items) != 1 || c.Items[0].Quantity != 5 {
		t.Fatalf("merge = %d %+v", status, c)
	}
	status, c, _, _ = f.do(t, "POST", base+"/items", add(vest, 1))
	if status != http.StatusOK || len(c.Items) != 2 || c.ItemCount != 6 || c.Subtotal != 5*7900+4900 {
		t.Fatalf("second product = %d %+v", status, c)
	}
	it := c.Items[0]
	if it.ProductID != pad || it.SKU != "ACC-PAD-150" || it.Name == "" || it.UnitPrice != 7900 || it.LineTotal != 39500 || !it.Available {
		t.Fatalf("line = %+v", it)
	}
	item := base + "/items/" + strconv.FormatInt(it.ID, 10)
	for _, spelling := range []string{"0", "+"} { // only the canonical id names the line
		if status, _, _, _ = f.do(t, "PATCH", base+"/items/"+spelling+strconv.FormatInt(it.ID, 10), `{"quantity":2}`); status != http.StatusNotFound {
			t.Fatalf("patch %sid = %d, want 404", spelling, status)
		}
	}
	if status, c, _, _ = f.do(t, "PATCH", item, `{"quantity":20}`); status != http.StatusOK || c.Items[0].Quantity != 20 {
		t.Fatalf("patch = %d %+v", status, c)
	}
	if status, c, _, _ = f.do(t, "DELETE", item, ""); status != http.StatusOK || len(c.Items) != 1 || c.Items[0].ProductID != vest {
		t.Fatalf("delete = %d %+v", status, c)
	}
	status, got, _, stmts := f.do(t, "GET", base, "")
	if status != http.StatusOK || stmts != 1 || len(got.Items) != 1 || got.Subtotal != 4900 || got.ExpiresAt.IsZero() {
		t.Fatalf("get = %d (%d statements) %+v", status, stmts, got)
	}
}

func TestCartRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	low, lowStock := f.product(t, "DRN-X8-HL") // stock 4
	sold, _ := f.product(t, "DRN-VTOL-FAL")    // stock 0
	pad, _ := f.product(t, "ACC-PAD-150")
	gone, _ := f.product(t, "PRT-ESC-80")
	if _, err := f.db.ExecContext(ctx, `UPDATE products SET is_active = 0 WHERE id = :1`, gone); err != nil {
		t.Fatal(err)
	}
	cartID := f.newCart(t)
	base := "/api/carts/" + cartID
	if status, _, _, _ := f.do(t, "POST", base+"/items", add(pad, 15)); status != http.StatusOK {
		t.Fatalf("setup add = %d", status)
	}
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		code                       string
	}{
		{"quantity_zero_is_invalid", "POST", base + "/items", add(pad, 0), 400, "invalid_request"},
		{"quantity_over_20_is_invalid", "POST", base + "/items", add(pad, 21), 400, "invalid_request"},
		{"merged_over_20_is_refused", "POST", base + "/items", add(pad, 6), 422, "quantity_limit"},
		{"more_than_stock_is_refused", "POST", base + "/items", add(low, lowStock+1), 409, "out_of_stock"},
		{"sold_out_is_refused", "POST", base + "/items", add(sold, 1), 409, "out_of_stock"},
		{"inactive_product_is_refused", "POST", base + "/items", add(gone, 1), 422, "product_unavailable"},
		{"unknown_product_is_refused", "POST", base + "/items", add(999999, 1), 422, "product_unavailable"},
		{"missing_product_is_invalid", "POST", base + "/items", `{"quantity":1}`, 400, "invalid_request"},
		{"unknown_field_is_invalid", "POST", base + "/items", `{"product_id":1,"quantity":1,"price":"0.01"}`, 400, "invalid_request"},
		{"string_quantity_is_invalid", "POST", base + "/items", `{"product_id":1,"quantity":"2"}`, 400, "invalid_request"},
		{"malformed_json_is_invalid", "POST", base + "/items", `{"product_id":`, 400, "invalid_request"},
		{"unknown_cart_is_404", "POST", "/api/carts/" + strings.Repeat("a", 32) + "/items", add(pad, 1), 404, "not_found"},
		{"malformed_cart_id_is_404", "GET", "/api/carts/1%27%20OR%201=1", "", 404, "not_found"},
		{"create_with_body_is_invalid", "POST", "/api/carts", `{"id":"x"}`, 400, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, _, e, _ := f.do(t, tc.method, tc.target, tc.body)
			if status != tc.status || e.Error.Code != tc.code {
				t.Fatalf("= %d %q, want %d %q", status, e.Error.Code, tc.status, tc.code)
			}
		})
	}
	// Nothing the refused requests asked for reached the database.
	var lines, qty int64
	if err := f.db.QueryRowContext(ctx, `SELECT COUNT(*), SUM(quantity) FROM cart_items WHERE cart_id = :1`, cartID).Scan(&lines, &qty); err != nil {
		t.Fatal(err)
	}
	if lines != 1 || qty != 15 {
		t.Fatalf("cart holds %d lines, %d units; want the 1 line of 15 from setup", lines, qty)
	}
}

func TestItemsOfAnotherCartAre404(t *testing.T) {
	f := newFixture(t)
	pad, _ := f.product(t, "ACC-PAD-150")
	mine, theirs := f.newCart(t), f.newCart(t)
	_, c, _, _ := f.do(t, "POST", "/api/carts/"+theirs+"/items", add(pad, 3))
	theirItem := strconv.FormatInt(c.Items[0].ID, 10)
	for _, tc := range []struct{ method, body string }{{"PATCH", `{"quantity":1}`}, {"DELETE", ""}} {
		status, _, _, _ := f.do(t, tc.method, "/api/carts/"+mine+"/items/"+theirItem, tc.body)
		if status != http.StatusNotFound {
			t.Fatalf("%s their item through my cart = %d, want 404", tc.method, status)
		}
	}
	if _, c, _, _ = f.do(t, "GET", "/api/carts/"+theirs, ""); len(c.Items) != 1 || c.Items[0].Quantity != 3 {
		t.Fatalf("their cart changed: %+v", c)
	}
}

func TestExpiredCartIs404AndChangesExtendLife(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	pad, _ := f.product(t, "ACC-PAD-150")
	cartID := f.newCart(t)
	base := "/api/carts/" + cartID
	if _, err := f.db.ExecContext(ctx, `UPDATE carts SET expires_at = :1 WHERE id = :2`,
		"2000-01-01T00:00:00.000Z", cartID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, target, body string }{{"GET", base, ""}, {"POST", base + "/items", add(pad, 1)}} {
		if status, _, _, _ := f.do(t, tc.method, tc.target, tc.body); status != http.StatusNotFound {
			t.Fatalf("%s on an expired cart = %d, want 404", tc.method, status)
		}
	}
	live := f.newCart(t)
	soon := time.Now().Add(time.Hour).UTC()
	if _, err := f.db.ExecContext(ctx, `UPDATE carts SET expires_at = :1 WHERE id = :2`, soon, live); err != nil {
		t.Fatal(err)
	}
	_, after, _, _ := f.do(t, "POST", "/api/carts/"+live+"/items", add(pad, 1))
	if want := time.Now().Add(Lifetime - time.Minute); after.ExpiresAt.Before(want) {
		t.Fatalf("a change left the expiry at %v, want 7 days from now (after %v)", after.ExpiresAt, want)
	}
}
