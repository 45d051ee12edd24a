package orders

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

// get sends a GET with the headers; a 200 body is decoded into out. It returns the status and the
// statements the request ran.
func (f fixture) get(t *testing.T, target string, headers map[string]string, out any) (int, int) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	if rec.Code == http.StatusOK && out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("decode %s: %v", rec.Body, err)
		}
	}
	return rec.Code, db.StatsFrom(ctx).Statements
}

func (f fixture) user(t *testing.T, username string) map[string]string {
	t.Helper()
	id := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, username)
	return map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(id), gateway.ScopesHeader: "customer"}
}

func TestListShowsOnlyTheCallersOrdersNewestFirst(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	want := f.db.Int(t, `SELECT COUNT(*) FROM orders o JOIN users u ON u.customer_id = o.customer_id WHERE u.username = :1`, seed.ShopperUser)
	if want < 2 {
		t.Fatalf("the seed gives the shopper %d orders; the test needs at least 2", want)
	}
	var all []Summary
	target := "/api/orders?limit=1"
	for {
		var page Page
		status, stmts := f.get(t, target, shopper, &page)
		if status != http.StatusOK || stmts != 1 {
			t.Fatalf("GET %s = %d, %d statements", target, status, stmts)
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			break
		}
		target = "/api/orders?limit=1&cursor=" + *page.NextCursor
	}
	if int64(len(all)) != want {
		t.Fatalf("listed %d orders, want the shopper's %d", len(all), want)
	}
	for i, o := range all {
		owner := f.db.Int(t, `SELECT COUNT(*) FROM orders o JOIN users u ON u.customer_id = o.customer_id WHERE o.id = :1 AND u.username = :2`, o.ID, seed.ShopperUser)
		if owner != 1 {
			t.Fatalf("order %d is not the shopper's", o.ID)
		}
		if n := f.db.Int(t, `SELECT COUNT(*) FROM order_items WHERE order_id = :1`, o.ID); n != o.ItemCount {
			t.Errorf("order %d item_count %d, want %d", o.ID, o.ItemCount, n)
		}
		if i > 0 && (o.CreatedAt.After(all[i-1].CreatedAt) || o.CreatedAt.Equal(all[i-1].CreatedAt) && o.ID > all[i-1].ID) {
			t.Fatalf("not newest first at %d", i)
		}
	}

	var empty Page
	if status, _ := f.get(t, "/api/orders", f.user(t, seed.AdminUser), &empty); status != http.StatusOK || len(empty.Items) != 0 {
		t.Fatalf("an account without a customer sees %d orders (status %d)", len(empty.Items), status)
	}
	if status, _ := f.get(t, "/api/orders", map[string]string{gateway.PrincipalHeader: "oidc:someone"}, &empty); status != http.StatusOK || len(empty.Items) != 0 {
		t.Fatalf("an external principal sees %d orders (status %d)", len(empty.Items), status)
	}
	for _, tc := range []struct {
		name, target string
		headers      map[string]string
		status       int
	}{
		{"no_principal_is_401", "/api/orders", nil, 401},
		{"bad_limit_is_400", "/api/orders?limit=500", shopper, 400},
		{"bad_cursor_is_400", "/api/orders?cursor=xyz", shopper, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, _ := f.get(t, tc.target, tc.headers, nil); status != tc.status {
				t.Fatalf("= %d, want %d", status, tc.status)
			}
		})
	}
}

func TestGetByTokenAndByOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shopper := f.user(t, seed.ShopperUser)
	mine := f.db.Int(t, `SELECT MIN(o.id) FROM orders o JOIN users u ON u.customer_id = o.customer_id
JOIN shipments s ON s.order_id = o.id WHERE u.username = :1`, seed.ShopperUser)
	theirs := f.db.Int(t, `SELECT MIN(o.id) FROM orders o WHERE o.customer_id <> (SELECT customer_id FROM users WHERE username = :1)`, seed.ShopperUser)
	token, hash := commerce.NewOrderToken()
	if _, err := f.db.ExecContext(ctx, `UPDATE orders SET order_token_hash = :1 WHERE id = :2`, hash, mine); err != nil {
		t.Fatal(err)
	}
	other, otherHash := commerce.NewOrderToken()
	if _, err := f.db.ExecContext(ctx, `UPDATE orders SET order_token_hash = :1 WHERE id = :2`, otherHash, theirs); err != nil {
		t.Fatal(err)
	}
	path := "/api/orders/" + strconv.FormatInt(mine, 10)

	check := func(t *testing.T, o Order) {
		t.Helper()
		if o.ID != mine || len(o.Items) != int(f.db.Int(t, `SELECT COUNT(*) FROM order_items WHERE order_id = :1`, mine)) || len(o.Items) == 0 {
			t.Fatalf("order %d with %d items", o.ID, len(o.Items))
		}
		if o.Shipment == nil || o.Shipment.TrackingNumber == "" ||
			int64(len(o.Shipment.History)) != f.db.Int(t, `SELECT COUNT(*) FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id WHERE s.order_id = :1`, mine) {
			t.Fatalf("shipment %+v", o.Shipment)
		}
	}
	var o Order
	status, stmts := f.get(t, path, map[string]string{TokenHeader: token}, &o)
	if status != http.StatusOK || stmts != 3 {
		t.Fatalf("by token = %d, %d statements; want 200, 3", status, stmts)
	}
	check(t, o)
	o = Order{}
	if status, _ := f.get(t, "/api/account/orders/"+strconv.FormatInt(mine, 10), shopper, &o); status != http.StatusOK {
		t.Fatalf("by owner = %d", status)
	}
	check(t, o)

	for _, tc := range []struct {
		name, target string
		headers      map[string]string
		status       int
	}{
		{"no_token_is_404", path, nil, 404},
		{"wrong_token_is_404", path, map[string]string{TokenHeader: "x" + token[1:]}, 404},
		{"another_orders_token_is_404", path, map[string]string{TokenHeader: other}, 404},
		{"principal_does_not_open_the_token_route", path, shopper, 404},
		{"unknown_order_is_404", "/api/orders/99999999", map[string]string{TokenHeader: token}, 404},
		{"malformed_id_is_404", "/api/orders/abc", map[string]string{TokenHeader: token}, 404},
		{"leading_zero_is_404", path[:len("/api/orders/")] + "0" + path[len("/api/orders/"):], map[string]string{TokenHeader: token}, 404},
		{"plus_sign_is_404", path[:len("/api/orders/")] + "+" + path[len("/api/orders/"):], map[string]string{TokenHeader: token}, 404},
		{"someone_elses_order_is_404", "/api/account/orders/" + strconv.FormatInt(theirs, 10), shopper, 404},
		{"account_without_customer_is_404", "/api/account/orders/" + strconv.FormatInt(mine, 10), f.user(t, seed.AdminUser), 404},
		{"account_route_without_principal_is_401", "/api/account/orders/" + strconv.FormatInt(mine, 10), nil, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, _ := f.get(t, tc.target, tc.headers, nil); status != tc.status {
				t.Fatalf("= %d, want %d", status, tc.status)
			}
		})
	}
}

// TestMissingCouponAndShipmentAnswerNull: godror scans a NULL string as "" and does not support
// sql.NullString (a NULL would be Valid), and so does the embedded database: an order without a
// coupon or a shipment must still answer null for them, never "".
func TestMissingCouponAndShipmentAnswerNull(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shopper := f.user(t, seed.ShopperUser)
	id := f.db.Int(t, `SELECT MIN(o.id) FROM orders o JOIN users u ON u.customer_id = o.customer_id WHERE u.username = :1`, seed.ShopperUser)
	for _, q := range []string{`DELETE FROM shipments WHERE order_id = :1`, `UPDATE orders SET coupon_code = NULL WHERE id = :1`} {
		if _, err := f.db.ExecContext(ctx, q, id); err != nil {
			t.Fatal(err)
		}
	}
	var detail map[string]json.RawMessage
	if status, _ := f.get(t, "/api/account/orders/"+strconv.FormatInt(id, 10), shopper, &detail); status != http.StatusOK {
		t.Fatalf("detail = %d", status)
	}
	for _, k := range []string{"shipment", "coupon_code"} {
		if string(detail[k]) != "null" {
			t.Errorf("detail %s = %s, want null", k, detail[k])
		}
	}
	var list struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	if status, _ := f.get(t, "/api/orders?limit=100", shopper, &list); status != http.StatusOK {
		t.Fatalf("list = %d", status)
	}
	found := false
	for _, o := range list.Items {
		if string(o["id"]) == strconv.FormatInt(id, 10) {
			found = true
			if string(o["tracking_number"]) != "null" {
				t.Errorf("list tracking_number = %s, want null", o["tracking_number"])
			}
		}
	}
	if !found {
		t.Fatalf("order %d not in the list %v", id, list.Items)
	}
}
