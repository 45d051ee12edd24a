package crmorders

import (
	"context"
	"fmt"
	"github.com/octo-drone-shop/serverless/shared/db"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/security"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mail, err := notify.ConfigFromEnv(func(k string) string {
		return map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_MAIL_DIR": t.TempDir()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(d.DB, log, mail, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: security.New(security.Config{}, d.DB, nil, log).Middleware(h)}
}

type response struct {
	status int
	body   string
	etag   string
	stmts  int
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	h := map[string]string{}
	for k, v := range headers {
		h[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	s := dbtest.Serve(f.h, method, target, body, h)
	return response{status: s.Status, body: string(s.Body), stmts: s.Statements, etag: s.Header.Get("ETag")}
}

// order is a test order: one line of qty units of a product, a shipment, optionally a coupon use.
type order struct {
	id, shipment, product, coupon int64
	qty                           int64
}

func (f fixture) newOrder(t *testing.T, status string, withCoupon bool) order {
	t.Helper()
	ctx := context.Background()
	o := order{qty: 3, product: f.db.Int(t, `SELECT MIN(id) FROM products WHERE stock > 0`)}
	var coupon any
	if withCoupon {
		o.coupon = f.db.Int(t, `SELECT MIN(id) FROM coupons WHERE is_active = 1 AND max_uses = 0`)
		coupon = o.coupon
		f.db.Exec(t, `UPDATE coupons SET used_count = used_count + 1 WHERE id = :1`, o.coupon)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	id, err := db.InsertReturningID(ctx, f.db, `INSERT INTO orders (customer_id, subtotal, discount, shipping_cost, total, currency, coupon_id,
    status, payment_method, payment_status, created_at, updated_at)
VALUES ((SELECT MIN(id) FROM customers), 300, 0, 149, 449, 'USD', :1, :2, 'card', :3, :4, :5) RETURNING id INTO :6`,
		coupon, status, map[string]string{Pending: "pending", PaymentPending: "payment_pending"}[status]+paidUnless(status), now, now)
	if err != nil {
		t.Fatal(err)
	}
	o.id = id
	f.db.Exec(t, `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total) VALUES (:1, :2, 'x', :3, 100, 300)`, id, o.product, o.qty)
	o.shipment, err = db.InsertReturningID(ctx, f.db, `INSERT INTO shipments (order_id, tracking_number, carrier, status, weight_kg, created_at, updated_at)
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
