package crmorders

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/notify/notifytest"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

type fixture struct{ dbtest.Fixture }

func newFixture(t *testing.T) fixture {
	t.Helper()
	return fixture{dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) {
		return New(d, log, notifytest.Config(t, t.TempDir()), nil)
	})}
}

type response = dbtest.Response

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	return f.Do(method, target, body, headers, extra...)
}

// order is a test order: one line of qty units of a product, a shipment, optionally a coupon use.
type order struct {
	id, shipment, product, coupon int64
	qty                           int64
}

func (f fixture) newOrder(t *testing.T, status string, withCoupon bool) order {
	t.Helper()
	ctx := context.Background()
	o := order{qty: 3, product: f.DB.Int(t, `SELECT MIN(id) FROM products WHERE stock > 0`)}
	var coupon any
	if withCoupon {
		o.coupon = f.DB.Int(t, `SELECT MIN(id) FROM coupons WHERE is_active = 1 AND max_uses = 0`)
		coupon = o.coupon
		f.DB.Exec(t, `UPDATE coupons SET used_count = used_count + 1 WHERE id = :1`, o.coupon)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	id, err := db.InsertReturningID(ctx, f.DB, `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, coupon_id,
    status, payment_method, payment_status, created_at, updated_at)
VALUES ((SELECT MIN(id) FROM customers), 300, 0, 149, 449, 'USD', :1, :2, 'card', :3, :4, :5) RETURNING id INTO :6`,
		coupon, status, map[string]string{Pending: "pending", PaymentPending: "payment_pending"}[status]+paidUnless(status), now, now)
	if err != nil {
		t.Fatal(err)
	}
	o.id = id
	f.DB.Exec(t, `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total) VALUES (:1, :2, 'x', :3, 100, 300)`, id, o.product, o.qty)
	o.shipment, err = db.InsertReturningID(ctx, f.DB, `INSERT INTO shipments (order_id, tracking_number, carrier, status, weight_kg, created_at, updated_at)
VALUES (:1, :2, 'DHL', 'processing', 4.2, :3, :4) RETURNING id INTO :5`, id, fmt.Sprintf("T-%d", id), now, now)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func paidUnless(status string) string {
	if status == Pending || status == PaymentPending {
		return ""
	}
	return "paid"
}

func (o order) path(suffix string) string {
	return "/api/crm/orders/" + strconv.FormatInt(o.id, 10) + suffix
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
