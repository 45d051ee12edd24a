package checkout

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/money"
)

func TestCheckoutPlacesTheWholeOrder(t *testing.T) {
	f := newFixture(t)
	a, b := f.product(t, "T-A", 120000, 10), f.product(t, "T-B", 4950, 5)
	cartID := f.cart(t, map[int64]int64{a: 2, b: 3})
	got := f.checkout(t, "order-key-0001", body(cartID, "New.Buyer@Example.com", ""))
	if got.status != http.StatusCreated {
		t.Fatalf("status %d %+v", got.status, got.err)
	}
	o := got.result.Order
	wantSubtotal := money.Cents(2*120000 + 3*4950)
	if o.ID == 0 || o.Status != "processing" || o.PaymentStatus != "paid" || o.Subtotal != wantSubtotal ||
		o.Discount != 0 || o.ShippingCost != commerce.FlatShipping || o.Total != wantSubtotal+commerce.FlatShipping {
		t.Fatalf("order = %+v", o)
	}
	if o.TrackingNumber != fmt.Sprintf("OCTO-%06d", o.ID) || o.Carrier == "" || o.EstimatedDelivery == nil || len(o.Items) != 2 {
		t.Fatalf("shipment facts = %+v", o)
	}
	if len(got.result.OrderToken) < 43 {
		t.Fatalf("order_token %q is not 256 bits", got.result.OrderToken)
	}
	if cc := got.header.Get("Cache-Control"); cc != "no-store" { // the token reads the order: never cached
		t.Fatalf("Cache-Control = %q on the answer carrying order_token", cc)
	}
	if f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, a) != 8 || f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, b) != 2 {
		t.Fatal("stock not decremented by the quantities")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM cart_items WHERE cart_id = :1`, cartID); n != 0 {
		t.Fatalf("cart still holds %d lines", n)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM order_items WHERE order_id = :1 AND line_total = unit_price * quantity`, o.ID); n != 2 {
		t.Fatalf("%d consistent order items, want 2", n)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.id = :1 AND c.email = 'New.Buyer@Example.com' AND o.order_token_hash = :2 AND o.idempotency_key = 'order-key-0001'`,
		o.ID, commerce.OrderTokenHash(got.result.OrderToken)); n != 1 {
		t.Fatal("order row lacks its customer, token hash or key")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id
WHERE s.order_id = :1 AND s.tracking_number = :2 AND s.weight_kg = 7 AND s.status = 'processing' AND e.status = 'processing'`,
		o.ID, o.TrackingNumber); n != 1 {
		t.Fatal("shipment (5 units x 1.4 kg = 7 kg) or its event missing")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'order.placed' AND entity_id = :1`, fmt.Sprint(o.ID)); n != 1 {
		t.Fatal("audit log row missing")
	}
}

func TestCheckoutNeverOverwritesAnExistingCustomer(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `INSERT INTO customers (name, email, phone, company) VALUES ('Dana Original', 'dana@example.com', '+1 555 0199', 'Acme')`)
	p := f.product(t, "T-C", 1000, 5)
	payload := strings.Replace(body(f.cart(t, map[int64]int64{p: 1}), "DANA@EXAMPLE.COM", ""), `"phone":"+1 555 0100"`,
		`"phone":"+1 555 6666","company":"Evil Corp"`, 1)
	if got := f.checkout(t, "dana-key-0001", payload); got.status != http.StatusCreated {
		t.Fatalf("status %d %+v", got.status, got.err)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM customers WHERE LOWER(email) = 'dana@example.com'
AND name = 'Dana Original' AND phone = '+1 555 0199' AND company = 'Acme'`); n != 1 {
		t.Fatal("the existing customer's name, phone or company changed, or a duplicate was created")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = 'dana@example.com'`); n != 1 {
		t.Fatal("the order is not linked to the existing customer")
	}
}

// TestPricing runs real checkouts through the pricing rules.
func TestPricing(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, discount_amount) VALUES ('STACK', 10, 25)`)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_amount) VALUES ('HUGE', 99999)`)
	for i, tc := range []struct {
		name                                string
		price, qty                          int64
		coupon                              string
		subtotal, discount, shipping, total money.Cents
	}{
		{"below_free_shipping_pays_149", 499999, 1, "", 499999, 0, 14900, 514899},
		{"free_shipping_from_5000", 500000, 1, "", 500000, 0, 0, 500000},
		{"percent_and_fixed_stack", 100000, 1, "STACK", 100000, 12500, 14900, 102400},
		{"stacked_coupon_keeps_free_shipping_on_pre_discount_subtotal", 250000, 2, "STACK", 500000, 52500, 0, 447500},
		{"discount_above_subtotal_leaves_shipping", 5000, 2, "HUGE", 10000, 10000, 14900, 14900},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := f.product(t, fmt.Sprintf("T-PRICE-%d", i), tc.price, 10)
			got := f.checkout(t, fmt.Sprintf("pricing-key-%d", i), body(f.cart(t, map[int64]int64{p: tc.qty}), "p@example.com", tc.coupon))
			if got.status != http.StatusCreated {
				t.Fatalf("status %d %+v", got.status, got.err)
			}
			o := got.result.Order
			if o.Subtotal != tc.subtotal || o.Discount != tc.discount || o.ShippingCost != tc.shipping || o.Total != tc.total {
				t.Fatalf("priced %v/%v/%v/%v, want %v/%v/%v/%v", o.Subtotal, o.Discount, o.ShippingCost, o.Total,
					tc.subtotal, tc.discount, tc.shipping, tc.total)
			}
			var stored money.Cents
			if err := f.db.QueryRowContext(t.Context(), `SELECT total FROM orders WHERE id = :1`, o.ID).Scan(&stored); err != nil || stored != tc.total {
				t.Fatalf("stored total %v (%v), want %v", stored, err, tc.total)
			}
		})
	}
	t.Run("empty_cart_is_422", func(t *testing.T) {
		got := f.checkout(t, "pricing-key-empty", body(f.cart(t, nil), "p@example.com", ""))
		if got.status != http.StatusUnprocessableEntity || got.err.Code != "empty_cart" {
			t.Fatalf("= %d %+v, want 422 empty_cart", got.status, got.err)
		}
	})
}

// TestStatementsPerCheckoutAreConstant counts the statements of checkouts of 1, 5 and 20 lines
// through the data layer's request accounting.
func TestStatementsPerCheckoutAreConstant(t *testing.T) {
	f := newFixture(t)
	counts := map[int]int{}
	for _, n := range []int{1, 5, 20} {
		lines := map[int64]int64{}
		for i := range n {
			lines[f.product(t, fmt.Sprintf("T-N%d-%d", n, i), 1000, 50)] = 2
		}
		got := f.checkout(t, fmt.Sprintf("count-key-%02d", n), body(f.cart(t, lines), fmt.Sprintf("count%d@example.com", n), "WELCOME10"))
		if got.status != http.StatusCreated || len(got.result.Order.Items) != n {
			t.Fatalf("%d lines: status %d %+v", n, got.status, got.err)
		}
		counts[n] = got.statements
	}
	if counts[1] != 15 || counts[5] != counts[1] || counts[20] != counts[1] { // WELCOME10 has customer rules: 15
		t.Fatalf("statements per checkout by lines = %v, want 15 for each", counts)
	}
}

func TestCheckoutNeverOversells(t *testing.T) {
	f := newFixture(t)
	p := f.product(t, "T-SCARCE", 10000, 7)
	carts := make([]string, 40)
	for i := range carts {
		carts[i] = f.cart(t, map[int64]int64{p: 1})
	}
	answers := race(len(carts), func(i int) answer {
		return f.checkout(t, fmt.Sprintf("oversell-key-%02d", i), body(carts[i], fmt.Sprintf("buyer%d@example.com", i), ""))
	})
	byOutcome := map[string]int{}
	for _, a := range answers {
		byOutcome[fmt.Sprintf("%d %s", a.status, a.err.Code)]++
		if a.status == http.StatusConflict {
			prods, _ := a.err.Details["products"].([]any)
			if len(prods) != 1 || !strings.Contains(fmt.Sprint(prods[0]), "T-SCARCE") {
				t.Errorf("409 does not name the product: %+v", a.err.Details)
			}
		}
	}
	if byOutcome["201 "] != 7 || byOutcome["409 out_of_stock"] != 33 || len(byOutcome) != 2 {
		t.Fatalf("outcomes = %v, want 7 x 201 and 33 x 409 out_of_stock", byOutcome)
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 0 {
		t.Fatalf("stock ends at %d, want 0", stock)
	}
	if n := f.db.Int(t, `SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE product_id = :1`, p); n != 7 {
		t.Fatalf("%d units sold, want 7", n)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM cart_items WHERE product_id = :1`, p); n != 33 {
		t.Fatalf("%d carts still hold the product, want the 33 refused ones", n)
	}
}

func TestCouponLimitHoldsUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, max_uses) VALUES ('THREE', 5, 3)`)
	p := f.product(t, "T-PLENTY", 10000, 1000)
	carts := make([]string, 20)
	for i := range carts {
		carts[i] = f.cart(t, map[int64]int64{p: 1})
	}
	answers := race(len(carts), func(i int) answer {
		return f.checkout(t, fmt.Sprintf("coupon-key-%02d", i), body(carts[i], fmt.Sprintf("c%d@example.com", i), "three"))
	})
	ok, exhausted := 0, 0
	for _, a := range answers {
		switch {
		case a.status == http.StatusCreated:
			ok++
			if a.result.Order.Discount != 500 {
				t.Errorf("order without the coupon's discount: %+v", a.result.Order)
			}
		case a.status == http.StatusUnprocessableEntity && a.err.Code == commerce.CodeCouponExhausted:
			exhausted++
		default:
			t.Errorf("unexpected answer %d %+v", a.status, a.err)
		}
	}
	withCoupon := f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE coupon_code = 'THREE'`)
	if ok != 3 || exhausted != 17 || withCoupon != 3 || f.db.Int(t, `SELECT used_count FROM coupons WHERE code = 'THREE'`) != 3 {
		t.Fatalf("ok=%d exhausted=%d orders with coupon=%d, want 3, 17, 3 and used_count 3", ok, exhausted, withCoupon)
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 997 {
		t.Fatalf("stock %d, want 997: refused checkouts must not decrement", stock)
	}
}

// TestPerCustomerLimitHoldsUnderConcurrency races one customer's checkouts (different carts, the email
// in different cases) with a coupon allowed twice per customer: exactly two get it. The uses are
// counted inside the checkout's transaction under the coupon row's lock, never before it.
func TestPerCustomerLimitHoldsUnderConcurrency(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, per_customer_limit) VALUES ('TWICE', 5, 2)`)
	p := f.product(t, "T-TWICE", 10000, 1000)
	carts := make([]string, 12)
	for i := range carts {
		carts[i] = f.cart(t, map[int64]int64{p: 1})
	}
	answers := race(len(carts), func(i int) answer {
		email := "same.buyer@example.com"
		if i%2 == 1 {
			email = "Same.Buyer@Example.com"
		}
		return f.checkout(t, fmt.Sprintf("twice-key-%02d", i), body(carts[i], email, "TWICE"))
	})
	ok, limited := 0, 0
	for _, a := range answers {
		switch {
		case a.status == http.StatusCreated:
			ok++
		case a.status == http.StatusUnprocessableEntity && a.err.Code == commerce.CodeCouponCustomerLimit:
			limited++
		default:
			t.Errorf("unexpected answer %d %+v", a.status, a.err)
		}
	}
	if withCoupon := f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE coupon_code = 'TWICE'`); ok != 2 || limited != 10 || withCoupon != 2 {
		t.Fatalf("ok=%d limited=%d orders with coupon=%d, want 2, 10, 2", ok, limited, withCoupon)
	}
	// A cancelled order gives the use back.
	f.db.Exec(t, `UPDATE orders SET status = 'cancelled' WHERE id = (SELECT MIN(id) FROM orders WHERE coupon_code = 'TWICE')`)
	if a := f.checkout(t, "twice-key-after-cancel", body(f.cart(t, map[int64]int64{p: 1}), "same.buyer@example.com", "TWICE")); a.status != http.StatusCreated {
		t.Fatalf("after a cancelled order: %d %+v", a.status, a.err)
	}
}

func TestConcurrentReplaysMakeOneOrder(t *testing.T) {
	f := newFixture(t)
	p := f.product(t, "T-REPLAY", 10000, 50)
	payload := body(f.cart(t, map[int64]int64{p: 2}), "replay@example.com", "")
	answers := race(10, func(int) answer { return f.checkout(t, "replay-key-0001", payload) })
	created := 0
	for _, a := range answers {
		if a.status == http.StatusCreated {
			created++
			continue
		}
		if a.status != http.StatusOK || !a.replayed || a.result.OrderToken != "" || len(a.result.Order.Items) != 1 {
			t.Errorf("replay answered %d %+v", a.status, a)
		}
	}
	for _, a := range answers {
		if a.result.Order.ID != answers[0].result.Order.ID || a.result.Order.Total != answers[0].result.Order.Total {
			t.Fatalf("answers carry different orders: %d vs %d", a.result.Order.ID, answers[0].result.Order.ID)
		}
	}
	if created != 1 || f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE idempotency_key = 'replay-key-0001'`) != 1 {
		t.Fatalf("%d created answers, want exactly one order", created)
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 48 {
		t.Fatalf("stock %d, want 48 (decremented once)", stock)
	}
	// The same key with another request is refused.
	other := strings.Replace(payload, "1 Main St", "2 Other St", 1)
	if a := f.checkout(t, "replay-key-0001", other); a.status != http.StatusConflict || a.err.Code != "idempotency_key_reused" {
		t.Fatalf("same key, different body = %d %+v, want 409 idempotency_key_reused", a.status, a.err)
	}
}

// race runs n calls at once (released together) and returns their answers.
func race(n int, call func(i int) answer) []answer {
	out := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// snapshot is what a refused checkout must leave unchanged.
func snapshot(t *testing.T, f fixture) string {
	return fmt.Sprint(
		f.db.Int(t, `SELECT COUNT(*) FROM orders`), f.db.Int(t, `SELECT COUNT(*) FROM order_items`),
		f.db.Int(t, `SELECT COUNT(*) FROM shipments`), f.db.Int(t, `SELECT COUNT(*) FROM customers`),
		f.db.Int(t, `SELECT COUNT(*) FROM audit_logs`), f.db.Int(t, `SELECT SUM(stock) FROM products`),
		f.db.Int(t, `SELECT SUM(used_count) FROM coupons`), f.db.Int(t, `SELECT COUNT(*) FROM cart_items`))
}

func TestBadCheckoutsChangeNothing(t *testing.T) {
	f := newFixture(t)
	p := f.product(t, "T-OK", 1000, 5)
	short := f.product(t, "T-SHORT", 1000, 1)
	gone := f.product(t, "T-GONE", 1000, 5)
	f.db.Exec(t, `UPDATE products SET is_active = 0 WHERE id = :1`, gone)
	good := f.cart(t, map[int64]int64{p: 1})
	expired := f.cart(t, map[int64]int64{p: 1})
	f.db.Exec(t, `UPDATE carts SET expires_at = :1 WHERE id = :2`, time.Now().Add(-time.Minute).UTC(), expired)
	shortCart := f.cart(t, map[int64]int64{p: 1, short: 2})
	goneCart := f.cart(t, map[int64]int64{p: 1, gone: 1})
	pad := f.product(t, "T-PAD-79", 7900, 5)
	small := f.cart(t, map[int64]int64{pad: 1}) // $79: SAVE250 needs $2,500
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, valid_from, valid_until) VALUES ('OVER', 5, :1, :2)`,
		time.Now().Add(-48*time.Hour).UTC(), time.Now().Add(-time.Hour).UTC())
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, valid_from) VALUES ('SOON', 5, :1)`, time.Now().Add(time.Hour).UTC())
	before := snapshot(t, f)
	for _, tc := range []struct {
		name, key, body string
		status          int
		code            string
	}{
		{"missing_key", "", body(good, "x@example.com", ""), 400, "idempotency_key_required"},
		{"short_key", "short", body(good, "x@example.com", ""), 400, "idempotency_key_invalid"},
		{"key_with_space", "bad key 123", body(good, "x@example.com", ""), 400, "idempotency_key_invalid"},
		{"malformed_json", "bad-input-01", `{"cart_id":`, 400, "invalid_request"},
		{"unknown_field", "bad-input-02", strings.Replace(body(good, "x@example.com", ""), `"payment_method"`, `"total":"0.01","payment_method"`, 1), 400, "invalid_request"},
		{"bad_email", "bad-input-03", body(good, "not-an-email", ""), 400, "invalid_request"},
		{"bad_payment_method", "bad-input-04", strings.Replace(body(good, "x@example.com", ""), `"card"`, `"bitcoin"`, 1), 400, "invalid_request"},
		{"malformed_cart_id", "bad-input-05", body("1' OR '1'='1", "x@example.com", ""), 400, "invalid_request"},
		{"malformed_coupon", "bad-input-06", body(good, "x@example.com", "a b"), 400, "invalid_request"},
		{"localhost_email", "bad-input-14", body(good, "pat@localhost", ""), 400, "invalid_request"},
		{"name_over_column_bytes", "bad-input-15", strings.Replace(body(good, "x@example.com", ""), "Pat Shopper", strings.Repeat("é", 150), 1), 400, "invalid_request"},
		{"address_over_column_bytes", "bad-input-16", strings.Replace(body(good, "x@example.com", ""), "1 Main St, Springfield", strings.Repeat("街", 400), 1), 400, "invalid_request"},
		{"bidi_override_in_name", "bad-input-17", strings.Replace(body(good, "x@example.com", ""), "Pat Shopper", `Pat \u202ereppohS`, 1), 400, "invalid_request"},
		{"zero_width_in_name", "bad-input-18", strings.Replace(body(good, "x@example.com", ""), "Pat Shopper", "Pat\u200bShopper", 1), 400, "invalid_request"},
		{"whitespace_only_address", "bad-input-19", strings.Replace(body(good, "x@example.com", ""), "1 Main St, Springfield", "\u00a0\u3000", 1), 400, "invalid_request"},
		{"duplicate_coupon_code", "bad-input-20", strings.Replace(body(good, "x@example.com", "NOPE"), `"coupon_code"`, `"coupon_code":"WELCOME10","coupon_code"`, 1), 400, "invalid_request"},
		{"case_variant_field", "bad-input-21", strings.Replace(body(good, "x@example.com", ""), `"cart_id"`, `"Cart_ID"`, 1), 400, "invalid_request"},
		{"unknown_cart", "bad-input-07", body(strings.Repeat("0", 32), "x@example.com", ""), 404, "not_found"},
		{"expired_cart", "bad-input-08", body(expired, "x@example.com", ""), 404, "not_found"},
		{"unknown_coupon", "bad-input-09", body(good, "x@example.com", "NOPE"), 422, commerce.CodeCouponUnknown},
		{"exhausted_coupon", "bad-input-10", body(good, "x@example.com", "LAUNCH50"), 422, commerce.CodeCouponExhausted},
		{"inactive_coupon", "bad-input-11", body(good, "x@example.com", "SPRING15"), 422, commerce.CodeCouponInactive},
		{"save250_on_a_79_cart", "bad-input-22", body(small, "x@example.com", "SAVE250"), 422, commerce.CodeCouponMinSubtotal},
		{"welcome10_for_a_repeat_customer", "bad-input-23", body(good, "Avery.Chen@Skyline-Survey.example", "WELCOME10"), 422, commerce.CodeCouponFirstOrder},
		{"coupon_past_valid_until", "bad-input-24", body(good, "x@example.com", "OVER"), 422, commerce.CodeCouponExpired},
		{"coupon_before_valid_from", "bad-input-25", body(good, "x@example.com", "SOON"), 422, commerce.CodeCouponNotYet},
		{"short_stock", "bad-input-12", body(shortCart, "x@example.com", "WELCOME10"), 409, "out_of_stock"},
		{"withdrawn_product", "bad-input-13", body(goneCart, "x@example.com", ""), 422, "product_unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := f.checkout(t, tc.key, tc.body)
			if got.status != tc.status || got.err.Code != tc.code {
				t.Fatalf("= %d %q (%s), want %d %q", got.status, got.err.Code, got.err.Message, tc.status, tc.code)
			}
			if after := snapshot(t, f); after != before {
				t.Fatalf("database changed: %s -> %s", before, after)
			}
		})
	}
	// The short-stock answer names the short product only.
	got := f.checkout(t, "bad-input-12", body(shortCart, "x@example.com", ""))
	if s := fmt.Sprint(got.err.Details); !strings.Contains(s, "T-SHORT") || strings.Contains(s, "T-OK") {
		t.Fatalf("out_of_stock details = %s, want only T-SHORT", s)
	}
}
