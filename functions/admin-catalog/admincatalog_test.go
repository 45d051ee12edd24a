package admincatalog

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct{ dbtest.Fixture }

func newFixture(t testing.TB) fixture {
	t.Helper()
	return fixture{dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) { return New(d, log) })}
}

type response = dbtest.Response

// do sends a request as the seeded admin; extra are header name/value pairs.
func (f fixture) do(t *testing.T, method, target, body string, extra ...string) response {
	t.Helper()
	return f.Do(method, target, body, f.DB.As(t, seed.AdminUser), extra...)
}

func (f fixture) create(t *testing.T, path, body string) (int64, response) {
	t.Helper()
	r := f.do(t, "POST", path, body)
	var rec struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.Body), &rec); err != nil || r.Status != http.StatusCreated || rec.ID == 0 || r.ETag == "" {
		t.Fatalf("POST %s: %d %s", path, r.Status, r.Body)
	}
	return rec.ID, r
}

// valid is a body that creates one record of each resource; n makes the unique fields unique.
func valid(path string, n int) string {
	switch path {
	case "/api/admin/products":
		return fmt.Sprintf(`{"name":"Test Drone %d","sku":"TST-%d","price":"1299.99","stock":5,"category":"drones","image_url":"/images/t.webp"}`, n, n)
	case "/api/admin/coupons":
		return fmt.Sprintf(`{"code":"TEST%d","discount_percent":"10.00","min_subtotal":"500.00","per_customer_limit":1}`, n)
	case "/api/admin/shops":
		return fmt.Sprintf(`{"name":"Test Shop %d","region":"us-west","email":"shop%d@example.com","latitude":"47.6","longitude":"-122.33"}`, n, n)
	case "/api/admin/services":
		return fmt.Sprintf(`{"name":"Test Service %d","category":"training","price":"99.50","duration_minutes":60}`, n)
	default:
		return fmt.Sprintf(`{"code":"WH-T%d","name":"Test Warehouse %d","region":"eu-central","capacity":2500}`, n, n)
	}
}

var paths = []string{"/api/admin/products", "/api/admin/coupons", "/api/admin/shops", "/api/admin/services", "/api/admin/warehouses"}

func TestListsPageWithOneStatementAtAnySize(t *testing.T) {
	f := newFixture(t)
	for _, p := range paths {
		t.Run(strings.TrimPrefix(p, "/api/admin/"), func(t *testing.T) {
			for i := range 105 {
				f.create(t, p, valid(p, i))
			}
			total := f.DB.Int(t, `SELECT COUNT(*) FROM `+strings.TrimPrefix(p, "/api/admin/"))
			small, large := f.do(t, "GET", p+"?limit=10", ""), f.do(t, "GET", p+"?limit=100", "")
			var a, b Page
			_ = json.Unmarshal([]byte(small.Body), &a)
			_ = json.Unmarshal([]byte(large.Body), &b)
			if len(a.Items) != 10 || len(b.Items) != 100 || small.Statements != 1 || large.Statements != 1 {
				t.Fatalf("%d and %d items in %d and %d statements, want 10 and 100 in 1", len(a.Items), len(b.Items), small.Statements, large.Statements)
			}
			seen, page := map[float64]bool{}, b
			for {
				for _, it := range page.Items {
					seen[it["id"].(float64)] = true
				}
				if page.NextCursor == nil {
					break
				}
				r := f.do(t, "GET", p+"?limit=100&cursor="+*page.NextCursor, "")
				page = Page{}
				_ = json.Unmarshal([]byte(r.Body), &page)
			}
			if int64(len(seen)) != total {
				t.Fatalf("paged through %d records, the table holds %d", len(seen), total)
			}
			var found Page
			_ = json.Unmarshal([]byte(f.do(t, "GET", p+"?q=test%20", "").Body), &found)
			if len(found.Items) != 0 && !strings.Contains(strings.ToLower(fmt.Sprint(found.Items[0])), "test") {
				t.Fatalf("q matched %v", found.Items[0])
			}
			for _, bad := range []string{"limit=101", "limit=0", "cursor=zz", "q=" + strings.Repeat("a", 101)} {
				if r := f.do(t, "GET", p+"?"+bad, ""); r.Status != http.StatusBadRequest {
					t.Errorf("%s: %d, want 400", bad, r.Status)
				}
			}
		})
	}
}

func TestCreateReadAndUpdateEveryResource(t *testing.T) {
	f := newFixture(t)
	patches := map[string]string{
		"/api/admin/products":   `{"price":"1199.00","stock":7}`,
		"/api/admin/coupons":    `{"min_subtotal":"750.00","first_order_only":true}`,
		"/api/admin/shops":      `{"opening_hours":"Mon-Fri 09:00-17:00","phone":"+1 206 555 0199"}`,
		"/api/admin/services":   `{"duration_minutes":90,"is_active":false}`,
		"/api/admin/warehouses": `{"capacity":3000,"region":"us-east"}`,
	}
	for _, p := range paths {
		t.Run(strings.TrimPrefix(p, "/api/admin/"), func(t *testing.T) {
			id, created := f.create(t, p, valid(p, 1))
			noun := strings.TrimSuffix(strings.TrimPrefix(p, "/api/admin/"), "s")
			detail := p + "/" + strconv.FormatInt(id, 10)
			d := f.do(t, "GET", detail, "")
			if d.Status != http.StatusOK || d.ETag != created.ETag || d.Statements != 1 {
				t.Fatalf("detail: %d %s (%d statements), ETag %s want %s", d.Status, d.Body, d.Statements, d.ETag, created.ETag)
			}
			if r := f.do(t, "POST", p, valid(p, 1)); r.Status != http.StatusConflict || !strings.Contains(r.Body, "_taken") {
				t.Fatalf("duplicate: %d %s", r.Status, r.Body)
			}
			if r := f.do(t, "PATCH", detail, patches[p]); r.Status != http.StatusPreconditionRequired {
				t.Fatalf("no If-Match: %d", r.Status)
			}
			if r := f.do(t, "PATCH", detail, patches[p], "If-Match", `"stale"`); r.Status != http.StatusPreconditionFailed {
				t.Fatalf("stale If-Match: %d", r.Status)
			}
			if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = :1 AND entity_id = :2`, noun+".update", strconv.FormatInt(id, 10)); n != 0 {
				t.Fatalf("refused PATCHes wrote %d audit rows", n)
			}
			r := f.do(t, "PATCH", detail, patches[p], "If-Match", d.ETag)
			if r.Status != http.StatusOK || r.ETag == d.ETag {
				t.Fatalf("PATCH: %d %s", r.Status, r.Body)
			}
			if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = :1 AND entity_id = :2`, noun+".update", strconv.FormatInt(id, 10)); n != 1 {
				t.Fatalf("%d audit rows for the update, want 1", n)
			}
			if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = :1 AND entity_id = :2`, noun+".create", strconv.FormatInt(id, 10)); n != 1 {
				t.Fatalf("%d audit rows for the create, want 1", n)
			}
			if r2 := f.do(t, "PATCH", detail, patches[p], "If-Match", d.ETag); r2.Status != http.StatusPreconditionFailed {
				t.Fatalf("the first ETag after the update: %d, want 412", r2.Status)
			}
			if r := f.do(t, "GET", p+"/999999", ""); r.Status != http.StatusNotFound {
				t.Fatalf("missing: %d", r.Status)
			}
		})
	}
}

func TestPriceAndStockChangesAreAuditedWithBeforeAndAfter(t *testing.T) {
	f := newFixture(t)
	id := f.DB.Int(t, `SELECT id FROM products WHERE sku = 'DRN-X8-HL'`)
	p := "/api/admin/products/" + strconv.FormatInt(id, 10)
	d := f.do(t, "GET", p, "")
	var before struct {
		Price string `json:"price"`
		Stock int64  `json:"stock"`
	}
	_ = json.Unmarshal([]byte(d.Body), &before)
	if r := f.do(t, "PATCH", p, `{"price":"17999.00","stock":3}`, "If-Match", d.ETag); r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var details string
	_ = f.DB.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'product.update' AND entity_id = :1
ORDER BY id DESC FETCH FIRST 1 ROWS ONLY`, strconv.FormatInt(id, 10)).Scan(&details)
	var got struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	if err := json.Unmarshal([]byte(details), &got); err != nil {
		t.Fatalf("%s: %v", details, err)
	}
	if got.Before["price"] != before.Price || got.After["price"] != "17999.00" || got.Before["stock"] != float64(before.Stock) ||
		got.After["stock"] != float64(3) || len(got.After) != 2 {
		t.Fatalf("audit details %s, want price %s -> 17999.00 and stock %d -> 3 only", details, before.Price, before.Stock)
	}
}

func TestHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	id := f.DB.Int(t, `SELECT MIN(id) FROM products`)
	p := "/api/admin/products/" + strconv.FormatInt(id, 10)
	etag := f.do(t, "GET", p, "").ETag
	creates := map[string]string{
		"zero_price":          `{"name":"X","sku":"X-1","price":"0.00","category":"drones"}`,
		"three_decimals":      `{"name":"X","sku":"X-1","price":"1.005","category":"drones"}`,
		"float_price":         `{"name":"X","sku":"X-1","price":1.5,"category":"drones"}`,
		"negative_stock":      `{"name":"X","sku":"X-1","price":"1.00","stock":-1,"category":"drones"}`,
		"missing_name":        `{"sku":"X-1","price":"1.00","category":"drones"}`,
		"lower_sku":           `{"name":"X","sku":"x-1","price":"1.00","category":"drones"}`,
		"name_too_many_bytes": `{"name":"` + strings.Repeat("é", 101) + `","sku":"X-1","price":"1.00","category":"drones"}`,
		"bidi_name":           `{"name":"Drone \u202e evil","sku":"X-1","price":"1.00","category":"drones"}`,
		"sql_category":        `{"name":"X","sku":"X-1","price":"1.00","category":"drones' OR 1=1 --"}`,
		"script_image_url":    `{"name":"X","sku":"X-1","price":"1.00","category":"drones","image_url":"javascript:alert(1)"}`,
		"unknown_field":       `{"name":"X","sku":"X-1","price":"1.00","category":"drones","archived_at":"2026-01-01T00:00:00Z"}`,
		"duplicate_field":     `{"name":"X","name":"Y","sku":"X-1","price":"1.00","category":"drones"}`,
		"wrong_type":          `{"name":7,"sku":"X-1","price":"1.00","category":"drones"}`,
		"not_json":            `name=X`,
	}
	n, audits := f.DB.Int(t, `SELECT COUNT(*) FROM products`), f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs`)
	for name, body := range creates {
		if r := f.do(t, "POST", "/api/admin/products", body); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `"error"`) {
			t.Errorf("create %s: %d %s, want a 400 JSON error", name, r.Status, r.Body)
		}
	}
	for name, body := range map[string]string{"empty": `{}`, "null_price": `{"price":null}`, "blank_name": `{"name":"  "}`,
		"huge_stock": `{"stock":1000001}`, "percent_on_product": `{"discount_percent":"10"}`} {
		if r := f.do(t, "PATCH", p, body, "If-Match", etag); r.Status != http.StatusBadRequest {
			t.Errorf("patch %s: %d %s, want 400", name, r.Status, r.Body)
		}
	}
	coupons := map[string]string{
		"no_discount":       `{"code":"NODISC"}`,
		"percent_over_100":  `{"code":"BIG","discount_percent":"100.01"}`,
		"window_backwards":  `{"code":"WIN","discount_amount":"5.00","valid_from":"2027-01-01T00:00:00Z","valid_until":"2026-01-01T00:00:00Z"}`,
		"not_a_time":        `{"code":"WIN","discount_amount":"5.00","valid_from":"tomorrow"}`,
		"lower_code":        `{"code":"spring","discount_amount":"5.00"}`,
		"negative_minimum":  `{"code":"MIN","discount_amount":"5.00","min_subtotal":"-1.00"}`,
		"negative_max_uses": `{"code":"MAX","discount_amount":"5.00","max_uses":-1}`,
	}
	for name, body := range coupons {
		if r := f.do(t, "POST", "/api/admin/coupons", body); r.Status != http.StatusBadRequest {
			t.Errorf("coupon %s: %d %s, want 400", name, r.Status, r.Body)
		}
	}
	shops := map[string]string{
		"latitude_out_of_range": `{"name":"S","latitude":"91","longitude":"0"}`,
		"latitude_alone":        `{"name":"S","latitude":"45"}`,
		"bad_email":             `{"name":"S","email":"nope"}`,
		"bad_region":            `{"name":"S","region":"US West"}`,
	}
	for name, body := range shops {
		if r := f.do(t, "POST", "/api/admin/shops", body); r.Status != http.StatusBadRequest {
			t.Errorf("shop %s: %d %s, want 400", name, r.Status, r.Body)
		}
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM products`); got != n || f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs`) != audits {
		t.Fatalf("refused requests changed something: %d products (was %d)", got, n)
	}
	if r := f.do(t, "GET", p, ""); r.ETag != etag {
		t.Fatal("refused PATCHes changed the product")
	}
}

func TestOnlyAdminsMayAdminister(t *testing.T) {
	f := newFixture(t)
	for _, user := range []string{seed.SupportUser, seed.MarketingUser, seed.FulfillmentUser, seed.ShopperUser} {
		s := dbtest.Serve(f.H, "GET", "/api/admin/products", "", f.DB.As(t, user))
		if s.Status != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", user, s.Status)
		}
		s = dbtest.Serve(f.H, "POST", "/api/admin/coupons", valid("/api/admin/coupons", 9), f.DB.As(t, user))
		if s.Status != http.StatusForbidden {
			t.Errorf("%s creating a coupon: %d, want 403", user, s.Status)
		}
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM coupons WHERE code = 'TEST9'`); n != 0 {
		t.Fatal("a refused caller created a coupon")
	}
}
