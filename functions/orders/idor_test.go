package orders

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// TestOtherCustomersOrdersAreReportedAsIDOR runs the function behind the security middleware, as
// package boot does: asking for someone else's order still answers 404, and records an idor event;
// asking for an order that does not exist records nothing.
func TestOtherCustomersOrdersAreReportedAsIDOR(t *testing.T) {
	f := newFixture(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := security.New(security.Config{}, f.db.DB, nil, log).Middleware(f.h)
	shopper := f.user(t, seed.ShopperUser)
	theirs := f.db.Int(t, `SELECT MIN(o.id) FROM orders o WHERE o.customer_id <> (SELECT customer_id FROM users WHERE username = :1)`, seed.ShopperUser)
	_, hash := commerce.NewOrderToken()
	if _, err := f.db.ExecContext(context.Background(), `UPDATE orders SET order_token_hash = :1 WHERE id = :2`, hash, theirs); err != nil {
		t.Fatal(err)
	}
	wrongToken, _ := commerce.NewOrderToken()
	id := strconv.FormatInt(theirs, 10)
	tests := []struct {
		name, target, ip string
		headers          map[string]string
		events           int64 // idor events recorded for the address, payload "order <id>"
	}{
		{"someone_elses_order_by_account", "/api/account/orders/" + id, "203.0.113.31", shopper, 1},
		{"someone_elses_order_by_wrong_token", "/api/orders/" + id, "203.0.113.32", map[string]string{TokenHeader: wrongToken}, 1},
		{"order_that_does_not_exist", "/api/account/orders/99999999", "203.0.113.33", shopper, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.target, nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			req.Header.Set(gateway.RealIPHeader, tt.ip)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("status %d, want 404 whatever is recorded", rec.Code)
			}
			n := f.db.Int(t, `SELECT COALESCE(SUM(event_count), 0) FROM security_events WHERE source_ip = :1`, tt.ip)
			if tt.events > 0 {
				n = f.db.Int(t, `SELECT COALESCE(SUM(event_count), 0) FROM security_events WHERE attack_type = 'idor' AND source_ip = :1 AND payload = :2`,
					tt.ip, "order "+id)
			}
			if n != tt.events {
				t.Fatalf("%d idor events for %s, want %d", n, tt.ip, tt.events)
			}
		})
	}
}
