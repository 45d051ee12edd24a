package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

type stack struct {
	*stacktest.Stack
	t *testing.T
}

type answer struct {
	status int
	raw    string
	etag   string
}

func (s stack) do(method, path, bearer string, body any, header ...string) answer {
	s.t.Helper()
	a := s.Do(s.t, method, path, bearer, body, header...)
	return answer{status: a.Status, raw: a.Body, etag: a.Header.Get("ETag")}
}

// field reads a top-level JSON field of the answer as text.
func (a answer) field(t *testing.T, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(a.raw), &m); err != nil {
		t.Fatalf("decode %s: %v", a.raw, err)
	}
	switch v := m[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatInt(int64(v), 10)
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ""
}

func (s stack) login(email, password string) string {
	s.t.Helper()
	return s.Login(s.t, email, password)
}

func (s stack) want(a answer, status int, what string) answer {
	s.t.Helper()
	if a.status != status {
		s.t.Fatalf("%s: %d %s, want %d", what, a.status, a.raw, status)
	}
	return a
}

// cartWith opens a cart holding qty of the product.
func (s stack) cartWith(product string, qty int) string {
	s.t.Helper()
	cart := s.want(s.do("POST", "/api/carts", "", nil), http.StatusCreated, "cart").field(s.t, "cart_id")
	s.want(s.do("POST", "/api/carts/"+cart+"/items", "", map[string]any{"product_id": json.Number(product), "quantity": qty}), http.StatusOK, "add")
	return cart
}

func (s stack) checkout(cart, coupon string) answer {
	s.t.Helper()
	body := map[string]any{"cart_id": cart, "customer": map[string]string{"name": "Pat Admin-Test", "email": "pat.admin@example.com"},
		"shipping_address": "1 Main St, Springfield", "payment_method": "card"}
	if coupon != "" {
		body["coupon_code"] = coupon
	}
	return s.do("POST", "/api/checkout", "", body, "Idempotency-Key", "checkout-"+cart)
}

// TestAdminThroughTheGateway runs the admin scenarios on one stack (each starts the whole bundle).
func TestAdminThroughTheGateway(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	t.Run("archiving_a_sold_product", func(t *testing.T) { archivingASoldProduct(stack{Stack: st, t: t}) })
	t.Run("a_coupon_an_admin_creates_is_enforced_by_the_next_checkout", func(t *testing.T) {
		couponEnforcedByTheNextCheckout(stack{Stack: st, t: t})
	})
	t.Run("only_admins_reach_the_admin_routes", func(t *testing.T) { onlyAdmins(stack{Stack: st, t: t}) })
	t.Run("every_resource_lists_creates_reads_and_updates", func(t *testing.T) { everyResource(stack{Stack: st, t: t}) })
}

// everyResource: each administered resource is created, read, changed with If-Match and listed
// through the gateway, so each of their answers is checked against the OpenAPI document (the stack
// reports one that does not conform), nulls and optional fields included.
func everyResource(s stack) {
	t := s.t
	admin := s.login("admin@octo-drone-shop.example", seed.AdminPassword)
	for _, c := range []struct{ path, create, patch string }{
		{"/api/admin/products", `{"name":"E2E Drone","sku":"E2E-1","price":"10.00","category":"drones"}`, `{"stock":3,"image_url":null}`},
		{"/api/admin/coupons", `{"code":"E2ECOUPON","discount_amount":"5.00","valid_until":"2030-01-01T00:00:00Z"}`, `{"valid_until":null}`},
		{"/api/admin/shops", `{"name":"E2E Shop","latitude":"47.6","longitude":"-122.33"}`, `{"latitude":null,"longitude":null}`},
		{"/api/admin/services", `{"name":"E2E Service","category":"training","price":"99.50","duration_minutes":60}`, `{"is_active":false}`},
		{"/api/admin/warehouses", `{"code":"WH-E2E","name":"E2E Warehouse","region":"eu-central","capacity":10}`, `{"city":"Berlin"}`},
	} {
		created := s.want(s.do("POST", c.path, admin, json.RawMessage(c.create)), http.StatusCreated, "create "+c.path)
		item := c.path + "/" + created.field(t, "id")
		read := s.want(s.do("GET", item, admin, nil), http.StatusOK, "read "+item)
		s.want(s.do("PATCH", item, admin, json.RawMessage(c.patch), "If-Match", read.etag), http.StatusOK, "update "+item)
		s.want(s.do("GET", c.path+"?limit=2&q=e2e", admin, nil), http.StatusOK, "list "+c.path)
	}
}

// archivingASoldProduct: the product leaves the storefront and open carts, delete is refused, the
// order stays as it was.
func archivingASoldProduct(s stack) {
	t := s.t
	admin := s.login("admin@octo-drone-shop.example", seed.AdminPassword)
	product := s.want(s.do("POST", "/api/admin/products", admin, map[string]any{"name": "Gateway Test Drone", "sku": "GTW-1",
		"price": "1500.00", "stock": 10, "category": "drones"}), http.StatusCreated, "create").field(t, "id")
	sold := s.want(s.checkout(s.cartWith(product, 2), ""), http.StatusCreated, "checkout")
	var placed struct {
		Order struct {
			ID    int64  `json:"id"`
			Total string `json:"total"`
		} `json:"order"`
		Token string `json:"order_token"`
	}
	_ = json.Unmarshal([]byte(sold.raw), &placed)
	open := s.cartWith(product, 1)

	s.want(s.do("DELETE", "/api/admin/products/"+product, admin, nil), http.StatusConflict, "delete of a sold product")
	s.want(s.do("POST", "/api/admin/products/"+product+"/archive", admin, nil), http.StatusOK, "archive")

	s.want(s.do("GET", "/api/products/"+product, "", nil), http.StatusNotFound, "storefront detail")
	if a := s.want(s.do("GET", "/api/products?q=gateway%20test&limit=100", "", nil), http.StatusOK, "search"); strings.Contains(a.raw, "GTW-1") {
		t.Fatalf("the archived product is still listed: %s", a.raw)
	}
	if a := s.want(s.do("GET", "/api/carts/"+open, "", nil), http.StatusOK, "open cart"); strings.Contains(a.raw, "GTW-1") {
		t.Fatalf("the archived product is still in the open cart: %s", a.raw)
	}
	if a := s.do("POST", "/api/carts/"+open+"/items", "", map[string]any{"product_id": json.Number(product), "quantity": 1}); a.status != http.StatusUnprocessableEntity ||
		!strings.Contains(a.raw, "product_unavailable") {
		t.Fatalf("adding the archived product: %d %s", a.status, a.raw)
	}
	s.want(s.checkout(open, ""), http.StatusUnprocessableEntity, "checkout of the emptied cart")
	order := s.want(s.do("GET", "/api/orders/"+strconv.FormatInt(placed.Order.ID, 10), "", nil, "X-Order-Token", placed.Token), http.StatusOK, "the order")
	if !strings.Contains(order.raw, "Gateway Test Drone") || !strings.Contains(order.raw, `"total":"`+placed.Order.Total+`"`) {
		t.Fatalf("the order changed: %s", order.raw)
	}
}

// couponEnforcedByTheNextCheckout: below the minimum subtotal 422, above it the discount applies.
func couponEnforcedByTheNextCheckout(s stack) {
	t := s.t
	admin := s.login("admin@octo-drone-shop.example", seed.AdminPassword)
	product := s.want(s.do("POST", "/api/admin/products", admin, map[string]any{"name": "Coupon Test Part", "sku": "CPN-1",
		"price": "400.00", "stock": 50, "category": "parts"}), http.StatusCreated, "create product").field(t, "id")
	s.want(s.do("POST", "/api/admin/coupons", admin, map[string]any{"code": "ADMIN1000", "discount_amount": "100.00",
		"min_subtotal": "1000.00"}), http.StatusCreated, "create coupon")
	if a := s.checkout(s.cartWith(product, 2), "ADMIN1000"); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.raw, "coupon_min_subtotal") {
		t.Fatalf("800.00 with a 1000.00 minimum: %d %s, want 422 coupon_min_subtotal", a.status, a.raw)
	}
	a := s.want(s.checkout(s.cartWith(product, 3), "ADMIN1000"), http.StatusCreated, "1200.00 with a 1000.00 minimum")
	if !strings.Contains(a.raw, `"discount":"100.00"`) {
		t.Fatalf("the coupon's discount is not applied: %s", a.raw)
	}
}

// onlyAdmins: support, marketing and customer tokens are refused every admin route, including the
// audit log and security events; the admin reads them, also as CSV.
func onlyAdmins(s stack) {
	t := s.t
	tokens := map[string]string{
		"support":   s.login("support@octo-drone-shop.example", seed.SupportPassword),
		"marketing": s.login("marketing@octo-drone-shop.example", seed.MarketingPassword),
		"customer":  s.login("jordan.blake@example.com", seed.ShopperPassword),
	}
	paths := []string{"/api/admin/security-events", "/api/admin/audit-logs", "/api/admin/products", "/api/admin/coupons"}
	for role, tok := range tokens {
		for _, p := range paths {
			if a := s.do("GET", p, tok, nil); a.status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d, want 403", role, p, a.status)
			}
		}
	}
	admin := s.login("admin@octo-drone-shop.example", seed.AdminPassword)
	for _, p := range paths {
		s.want(s.do("GET", p, admin, nil), http.StatusOK, "admin GET "+p)
	}
	if a := s.do("GET", "/api/admin/security-events?severity=high", admin, nil, "Accept", "text/csv"); a.status != http.StatusOK ||
		!strings.HasPrefix(a.raw, "id,created_at,updated_at,attack_type") {
		t.Fatalf("CSV through the gateway: %d %.200s", a.status, a.raw)
	}
	// The audit log's next page and its CSV export, filtered: answers the OpenAPI document describes
	// (the stack checks each one against it).
	first := s.want(s.do("GET", "/api/admin/audit-logs?limit=1", admin, nil), http.StatusOK, "one audit row")
	next := first.field(t, "next_cursor")
	if next == "" {
		t.Fatalf("no next_cursor after one of several audit rows: %s", first.raw)
	}
	s.want(s.do("GET", "/api/admin/audit-logs?limit=1&cursor="+next, admin, nil), http.StatusOK, "the next audit row")
	if a := s.do("GET", "/api/admin/audit-logs?entity_type=product", admin, nil, "Accept", "text/csv"); a.status != http.StatusOK ||
		!strings.HasPrefix(a.raw, "id,created_at,actor,actor_user_id,action") || !strings.Contains(a.raw, "product.archive") {
		t.Fatalf("audit CSV through the gateway: %d %.300s", a.status, a.raw)
	}
}
