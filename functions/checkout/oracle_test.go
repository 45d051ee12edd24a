package checkout

import (
	"net/http"
	"testing"
)

// TestReplayWithoutCouponAnswersNull: godror scans a NULL string as "" (sql.NullString would be
// Valid), and so does the embedded database; an idempotent replay of an order without a coupon must
// answer coupon_code null like the original answer did.
func TestReplayWithoutCouponAnswersNull(t *testing.T) {
	f := newFixture(t)
	p := f.product(t, "T-NULL", 10000, 5)
	payload := body(f.cart(t, map[int64]int64{p: 1}), "null@example.com", "")
	first := f.checkout(t, "null-coupon-key-1", payload)
	if first.status != http.StatusCreated || first.result.Order.CouponCode != nil {
		t.Fatalf("first answer %d coupon %v, want 201 and null", first.status, first.result.Order.CouponCode)
	}
	again := f.checkout(t, "null-coupon-key-1", payload)
	if again.status != http.StatusOK || !again.replayed {
		t.Fatalf("replay = %d %+v", again.status, again.err)
	}
	if c := again.result.Order.CouponCode; c != nil {
		t.Errorf("replay coupon_code = %q, want null as the original answered", *c)
	}
}
