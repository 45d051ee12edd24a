package seed_test

import (
	"context"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// The generator writes what it says, in its period, and the same seed gives the same rows.
func TestActivityIsReproducibleAndInItsPeriod(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	fingerprint := func() []int64 {
		d := dbtest.Open(t, dbtest.Options{Seed: true})
		base := d.Int(t, `SELECT COUNT(*) FROM orders`)
		res, err := seed.Activity(context.Background(), d.DB, seed.ActivityOptions{Days: 3, Orders: 300, Seed: 7, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Int(t, `SELECT COUNT(*) FROM orders`) - base; got != 300 || res.Orders != 300 {
			t.Fatalf("orders: %d written, %d reported; want 300", got, res.Orders)
		}
		if n := d.Int(t, `SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'act-%' AND (created_at < :1 OR created_at > :2)`,
			now.Add(-72*time.Hour), now); n != 0 {
			t.Fatalf("%d orders outside the period", n)
		}
		if n := d.Int(t, `SELECT COUNT(*) FROM orders o WHERE idempotency_key LIKE 'act-%' AND total <> shipping_cost + (SELECT SUM(line_total) FROM order_items i WHERE i.order_id = o.id)`); n != 0 {
			t.Fatalf("%d orders whose total is not their items plus shipping", n)
		}
		if res.PageViews == 0 || res.Carts == 0 || res.Leads == 0 || res.SecurityEvents == 0 {
			t.Fatalf("missing activity: %+v", res)
		}
		return []int64{
			d.Int(t, `SELECT COUNT(*) FROM page_views`), d.Int(t, `SELECT SUM(load_time_ms) FROM page_views`),
			d.Int(t, `SELECT COUNT(*) FROM orders WHERE status = 'cancelled'`), d.Int(t, `SELECT SUM(quantity) FROM order_items`),
			d.Int(t, `SELECT COUNT(*) FROM cart_items`), d.Int(t, `SELECT SUM(score) FROM leads`), d.Int(t, `SELECT SUM(event_count) FROM security_events`),
		}
	}
	a, b := fingerprint(), fingerprint()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two runs with one seed differ: %v vs %v", a, b)
		}
	}
	if a[2] == 0 {
		t.Fatal("no cancelled orders generated")
	}
}
