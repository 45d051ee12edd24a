package admincatalog

import (
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/security"
)

// soldProduct writes a delivered order with a line of a new product and puts the product in two open
// carts, as the storefront would have.
func soldProduct(t *testing.T, f fixture) (product, order int64) {
	t.Helper()
	product, _ = f.create(t, "/api/admin/products", valid("/api/admin/products", 77))
	now := time.Now().UTC().Truncate(time.Millisecond)
	var err error
	order, err = db.InsertReturningID(t.Context(), f.DB, `INSERT INTO orders (customer_id, subtotal, total, status, payment_status, created_at, updated_at)
VALUES ((SELECT MIN(id) FROM customers), 1299.99, 1299.99, 'delivered', 'paid', :1, :2) RETURNING id INTO :3`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	f.DB.Exec(t, `INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, line_total) VALUES (:1, :2, 'Test Drone 77', 1, 1299.99, 1299.99)`,
		order, product)
	for _, cart := range []string{strings.Repeat("a", 32), strings.Repeat("b", 32)} {
		f.DB.Exec(t, `INSERT INTO carts (id, created_at, updated_at, expires_at) VALUES (:1, :2, :3, :4)`, cart, now, now, now.Add(time.Hour))
		f.DB.Exec(t, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, :2, 2)`, cart, product)
		f.DB.Exec(t, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, (SELECT MIN(id) FROM products), 1)`, cart)
	}
	return product, order
}

func TestArchivingASoldProductKeepsOrdersAndEmptiesCarts(t *testing.T) {
	f := newFixture(t)
	product, order := soldProduct(t, f)
	p := "/api/admin/products/" + strconv.FormatInt(product, 10)
	lines := f.DB.Int(t, `SELECT COUNT(*) FROM order_items WHERE order_id = :1 AND product_id = :2`, order, product)
	if r := f.do(t, "DELETE", p, ""); r.Status != http.StatusConflict || !strings.Contains(r.Body, "product_ordered") {
		t.Fatalf("delete of a sold product: %d %s, want 409 product_ordered", r.Status, r.Body)
	}
	r := f.do(t, "POST", p+"/archive", "")
	if r.Status != http.StatusOK || !strings.Contains(r.Body, `"is_active":false`) || strings.Contains(r.Body, `"archived_at":null`) {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM cart_items WHERE product_id = :1`, product); n != 0 {
		t.Fatalf("%d cart lines of the archived product remain", n)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM cart_items`); n != 2 {
		t.Fatalf("%d cart lines in all, want the other product's 2", n)
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM order_items WHERE order_id = :1 AND product_id = :2`, order, product); got != lines ||
		f.DB.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'delivered'`, order) != 1 {
		t.Fatal("archiving changed the order")
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'product.archive' AND entity_id = :1`, strconv.FormatInt(product, 10)) != 1 {
		t.Fatal("the archive is not audited")
	}
	again := f.do(t, "POST", p+"/archive", "")
	if again.Status != http.StatusOK || f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'product.archive'`) != 1 {
		t.Fatalf("archiving again: %d, want 200 and no second audit row", again.Status)
	}
	if r := f.do(t, "PATCH", p, `{"is_active":true}`, "If-Match", again.ETag); r.Status != http.StatusConflict || !strings.Contains(r.Body, "product_archived") {
		t.Fatalf("re-activation: %d %s, want 409 product_archived", r.Status, r.Body)
	}
	if r := f.do(t, "DELETE", p, ""); r.Status != http.StatusConflict {
		t.Fatalf("delete of the archived, sold product: %d, want 409", r.Status)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM products WHERE id = :1`, product) != 1 {
		t.Fatal("the product is gone")
	}
}

func TestAProductNoOrderReferencesIsDeleted(t *testing.T) {
	f := newFixture(t)
	id, _ := f.create(t, "/api/admin/products", valid("/api/admin/products", 5))
	f.DB.Exec(t, `INSERT INTO carts (id) VALUES (:1)`, strings.Repeat("c", 32))
	f.DB.Exec(t, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, :2, 1)`, strings.Repeat("c", 32), id)
	p := "/api/admin/products/" + strconv.FormatInt(id, 10)
	if r := f.do(t, "DELETE", p, ""); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM products WHERE id = :1`, id) != 0 || f.DB.Int(t, `SELECT COUNT(*) FROM cart_items WHERE product_id = :1`, id) != 0 ||
		f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'product.delete' AND entity_id = :1`, strconv.FormatInt(id, 10)) != 1 {
		t.Fatal("the product, its cart line or the audit row is not as a delete leaves them")
	}
	if r := f.do(t, "DELETE", p, ""); r.Status != http.StatusNotFound {
		t.Fatalf("second delete: %d, want 404", r.Status)
	}
}

func TestCouponShowsItsUsage(t *testing.T) {
	f := newFixture(t)
	id, _ := f.create(t, "/api/admin/coupons", `{"code":"USAGE10","discount_amount":"10.00","max_uses":5}`)
	now := time.Now().UTC().Truncate(time.Millisecond)
	for i, status := range []string{"delivered", "processing", "cancelled"} {
		f.DB.Exec(t, `INSERT INTO orders (customer_id, coupon_id, subtotal, total, status, payment_status, created_at, updated_at)
VALUES ((SELECT MIN(id) + :1 FROM customers), :2, 100, 90, :3, 'paid', :4, :5)`, i%2, id, status, now, now)
	}
	f.DB.Exec(t, `UPDATE coupons SET used_count = 2 WHERE id = :1`, id)
	r := f.do(t, "GET", "/api/admin/coupons/"+strconv.FormatInt(id, 10), "")
	for _, want := range []string{`"times_used":2`, `"orders":2`, `"customers":2`, `"max_uses":5`} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("%s: want %s", r.Body, want)
		}
	}
	if r := f.do(t, "PATCH", "/api/admin/coupons/"+strconv.FormatInt(id, 10), `{"max_uses":1}`, "If-Match", r.ETag); r.Status != http.StatusConflict {
		t.Fatalf("max_uses below the uses: %d %s, want 409", r.Status, r.Body)
	}
}

// The archive and the product delete lock the product row before they touch carts: the cart's add
// relies on it (it reads the product FOR UPDATE, so under Oracle's READ COMMITTED an add and an
// archive serialise on that row; functions/cart TestAnAddRacingAnArchiveLeavesNoLine plays the
// interleaving). The statements each request ran, in order, show the lock comes first.
func TestArchiveLocksTheProductBeforeItEmptiesCarts(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	d := dbtest.Open(t, dbtest.Options{Seed: true, Spans: spans})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := New(d.DB, log)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{dbtest.Fixture{DB: d, H: security.New(security.Config{}, d.DB, nil, log).Middleware(h)}}
	product, _ := soldProduct(t, f)
	spans.Reset()
	if r := f.do(t, "POST", "/api/admin/products/"+strconv.FormatInt(product, 10)+"/archive", ""); r.Status != http.StatusOK {
		t.Fatalf("archive: %d %s", r.Status, r.Body)
	}
	var texts []string
	for _, s := range spans.Ended() {
		for _, kv := range s.Attributes() {
			if kv.Key == "db.query.text" {
				texts = append(texts, kv.Value.AsString())
			}
		}
	}
	lock := slices.IndexFunc(texts, func(q string) bool {
		return strings.Contains(q, "FROM products") && strings.Contains(q, "FOR UPDATE")
	})
	carts := slices.IndexFunc(texts, func(q string) bool { return strings.HasPrefix(q, "DELETE FROM cart_items") })
	if lock < 0 || carts < 0 || lock > carts {
		t.Fatalf("the product lock (statement %d) must come before the cart lines' delete (statement %d):\n%s",
			lock, carts, strings.Join(texts, "\n"))
	}
}
