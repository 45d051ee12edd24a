package seed_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// migrated opens a fresh embedded database with the schema applied.
func migrated(t *testing.T) (*sql.DB, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "octo.db")
	raw, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	if _, err := migrate.Run(ctx, raw, dialects.SQLite, migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, db.Options{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, raw
}

func count(t *testing.T, raw *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSeedFillsAnEmptyDatabase(t *testing.T) {
	d, raw := migrated(t)
	now := time.Date(2026, 11, 25, 19, 14, 0, 0, time.UTC)
	res, err := seed.Run(context.Background(), d, seed.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Seeded || len(res.Counts) == 0 {
		t.Fatalf("result %+v, want a seed with counts", res)
	}
	atLeast := []struct {
		name, query string
		min         int
	}{
		{"products", `SELECT COUNT(*) FROM products`, 40},
		{"categories", `SELECT COUNT(DISTINCT category) FROM products`, 6},
		{"expensive_products", `SELECT COUNT(*) FROM products WHERE price >= 5000`, 3},
		{"low_stock_products", `SELECT COUNT(*) FROM products WHERE stock BETWEEN 1 AND 10`, 3},
		{"orders", `SELECT COUNT(*) FROM orders`, 8},
		{"order_items", `SELECT COUNT(*) FROM order_items`, 10},
		{"shipments", `SELECT COUNT(*) FROM shipments`, 5},
		{"shipment_events", `SELECT COUNT(*) FROM shipment_events`, 10},
		{"reviews", `SELECT COUNT(*) FROM reviews`, 10},
		{"tickets_with_messages", `SELECT COUNT(DISTINCT ticket_id) FROM ticket_messages`, 4},
		{"page_views", `SELECT COUNT(*) FROM page_views`, 50},
		{"page_view_regions", `SELECT COUNT(DISTINCT region) FROM page_views`, 4},
		{"leads", `SELECT COUNT(*) FROM leads WHERE campaign_id IS NOT NULL`, 4},
		{"security_events", `SELECT COUNT(*) FROM security_events`, 3},
		{"order_statuses", `SELECT COUNT(DISTINCT status) FROM orders`, 5},
		{"query_executions_linked_to_a_run", `SELECT COUNT(*) FROM query_executions WHERE workflow_run_id IS NOT NULL`, 1},
	}
	for _, c := range atLeast {
		t.Run(c.name, func(t *testing.T) {
			if n := count(t, raw, c.query); n < c.min {
				t.Errorf("%s = %d, want >= %d", c.query, n, c.min)
			}
		})
	}
	exactly := []struct {
		name, query string
		want        int
	}{
		{"one_sold_out", `SELECT COUNT(*) FROM products WHERE stock = 0`, 1},
		{"shops", `SELECT COUNT(*) FROM shops`, 3},
		{"services", `SELECT COUNT(*) FROM services`, 4},
		{"warehouses", `SELECT COUNT(*) FROM warehouses`, 4},
		{"customers", `SELECT COUNT(*) FROM customers`, 6},
		{"campaigns", `SELECT COUNT(*) FROM campaigns`, 2},
		{"percent_coupon", `SELECT COUNT(*) FROM coupons WHERE discount_percent > 0 AND is_active = 1 AND (max_uses = 0 OR used_count < max_uses)`, 1},
		{"fixed_coupon", `SELECT COUNT(*) FROM coupons WHERE discount_amount > 0 AND discount_percent = 0 AND is_active = 1`, 1},
		{"exhausted_coupon", `SELECT COUNT(*) FROM coupons WHERE max_uses > 0 AND used_count = max_uses`, 1},
		{"inactive_coupon", `SELECT COUNT(*) FROM coupons WHERE is_active = 0`, 1},
		{"save250_needs_2500", `SELECT COUNT(*) FROM coupons WHERE code = 'SAVE250' AND min_subtotal = 2500`, 1},
		{"welcome10_first_order_once", `SELECT COUNT(*) FROM coupons WHERE code = 'WELCOME10' AND first_order_only = 1 AND per_customer_limit = 1`, 1},
		{"spring15_window_ended", `SELECT COUNT(*) FROM coupons WHERE code = 'SPRING15' AND valid_until > valid_from AND valid_until < created_at`, 1},
		{"seeded_orders_meet_min_subtotal", `SELECT COUNT(*) FROM orders o JOIN coupons c ON c.id = o.coupon_id WHERE o.subtotal < c.min_subtotal`, 0},
		{"seeded_first_order_coupons_on_first_orders", `SELECT COUNT(*) FROM orders o JOIN coupons c ON c.id = o.coupon_id
			WHERE c.first_order_only = 1 AND EXISTS (SELECT 1 FROM orders p WHERE p.customer_id = o.customer_id
			AND p.created_at < o.created_at AND p.status <> 'cancelled')`, 0},
		{"staff_roles", `SELECT COUNT(DISTINCT role) FROM users WHERE role IN ('admin', 'support', 'marketing')`, 3},
		{"shopper_linked_to_customer", `SELECT COUNT(*) FROM users WHERE role = 'customer' AND customer_id IS NOT NULL`, 1},
		{"tracking_numbers_match_orders", `SELECT COUNT(*) FROM shipments s WHERE s.tracking_number <> 'OCTO-' || substr('000000' || s.order_id, -6)`, 0},
		{"totals_follow_pricing_rules", `SELECT COUNT(*) FROM orders WHERE total <> max(subtotal - discount, 0) + shipping_cost
			OR shipping_cost <> CASE WHEN subtotal >= 5000 THEN 0 ELSE 149 END
			OR subtotal <> (SELECT SUM(line_total) FROM order_items i WHERE i.order_id = orders.id)`, 0},
		{"timestamps_in_canonical_format", `SELECT COUNT(*) FROM orders WHERE created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'`, 0},
		{"foreign_keys_hold", `SELECT COUNT(*) FROM pragma_foreign_key_check`, 0},
	}
	for _, c := range exactly {
		t.Run(c.name, func(t *testing.T) {
			if n := count(t, raw, c.query); n != c.want {
				t.Errorf("%s = %d, want %d", c.query, n, c.want)
			}
		})
	}
	t.Run("passwords_are_bcrypt_hashes", func(t *testing.T) {
		for user, password := range map[string]string{seed.AdminUser: seed.AdminPassword, seed.SupportUser: seed.SupportPassword,
			seed.MarketingUser: seed.MarketingPassword, seed.ShopperUser: seed.ShopperPassword, seed.FulfillmentUser: seed.FulfillmentPassword} {
			var hash string
			if err := raw.QueryRow(`SELECT password_hash FROM users WHERE username = ?`, user).Scan(&hash); err != nil {
				t.Fatalf("user %s: %v", user, err)
			}
			if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != 10 {
				t.Errorf("user %s: bcrypt cost %d, %v; want 10", user, cost, err)
			}
			if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
				t.Errorf("user %s: documented password does not match", user)
			}
		}
	})
	if !strings.Contains(res.String(), "products") {
		t.Errorf("result text %q lacks the counts", res)
	}
}

func TestSeedNeverTouchesADatabaseWithData(t *testing.T) {
	ctx := context.Background()
	d, raw := migrated(t)
	if _, err := seed.Run(ctx, d, seed.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE products SET price = 17999.00, name = 'Edited' WHERE sku = 'DRN-X8-HL'`); err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var s string
		if err := raw.QueryRow(`SELECT (SELECT COUNT(*) FROM products) || '/' || (SELECT COUNT(*) FROM orders) || '/' ||
			(SELECT COUNT(*) FROM page_views) || '/' || (SELECT name || price FROM products WHERE sku = 'DRN-X8-HL')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	cases := []struct {
		name    string
		opts    seed.Options
		wantErr error
	}{
		{"plain_seed_refuses", seed.Options{}, seed.ErrNotEmpty},
		{"if_empty_is_a_no_op", seed.Options{IfEmpty: true}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := seed.Run(ctx, d, c.opts)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Run error = %v, want %v", err, c.wantErr)
			}
			if res.Seeded || res.Existing == 0 || !strings.Contains(res.String(), "nothing seeded") {
				t.Errorf("result %+v (%q), want not seeded with the existing count", res, res)
			}
			if after := snapshot(); after != before {
				t.Errorf("database changed: %s -> %s", before, after)
			}
		})
	}
}
