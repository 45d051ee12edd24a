package checkout

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestValidateCouponPreviewsWithoutUsing(t *testing.T) {
	f := newFixture(t)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, discount_amount, max_uses, used_count) VALUES ('PREVIEW', 10, 25, 5, 4)`)
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
		want       commerce.Totals
	}{
		{"stacked_below_free_shipping", `{"code":"preview","subtotal":"1000.00"}`, 200, "", commerce.Totals{Subtotal: 100000, Discount: 12500, Shipping: 14900, Total: 102400}},
		{"at_free_shipping", `{"code":"PREVIEW","subtotal":"5000.00"}`, 200, "", commerce.Totals{Subtotal: 500000, Discount: 52500, Total: 447500}},
		{"capped_at_subtotal", `{"code":"PREVIEW","subtotal":"20.00"}`, 200, "", commerce.Totals{Subtotal: 2000, Discount: 2000, Shipping: 14900, Total: 14900}},
		{"exhausted", `{"code":"LAUNCH50","subtotal":"100.00"}`, 422, commerce.CodeCouponExhausted, commerce.Totals{}},
		{"inactive", `{"code":"SPRING15","subtotal":"100.00"}`, 422, commerce.CodeCouponInactive, commerce.Totals{}},
		{"unknown", `{"code":"NOPE","subtotal":"100.00"}`, 422, commerce.CodeCouponUnknown, commerce.Totals{}},
		{"missing_subtotal", `{"code":"PREVIEW"}`, 400, "invalid_request", commerce.Totals{}},
		{"negative_subtotal", `{"code":"PREVIEW","subtotal":"-1.00"}`, 400, "invalid_request", commerce.Totals{}},
		{"three_decimals", `{"code":"PREVIEW","subtotal":"1.005"}`, 400, "invalid_request", commerce.Totals{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := f.post(t, "/api/coupons/validate", "", tc.body)
			if got.status != tc.status || got.err.Code != tc.code {
				t.Fatalf("= %d %q (%s), want %d %q", got.status, got.err.Code, got.err.Message, tc.status, tc.code)
			}
			if got.status != http.StatusOK {
				return
			}
			var p CouponPreview
			if err := json.Unmarshal(got.raw, &p); err != nil || !p.Valid || p.Code != "PREVIEW" || p.Totals != tc.want {
				t.Fatalf("preview = %s (%v), want %+v", got.raw, err, tc.want)
			}
		})
	}
	if n := f.db.Int(t, `SELECT used_count FROM coupons WHERE code = 'PREVIEW'`); n != 4 {
		t.Fatalf("previews changed used_count to %d", n)
	}
}

// TestCouponRulesInPreview: the seeded coupons carry the rules their descriptions state, and the
// preview refuses what the checkout would refuse.
func TestCouponRulesInPreview(t *testing.T) {
	f := newFixture(t)
	shopper := f.tokens.Bearer(t, f.db, seed.ShopperUser) // Jordan: a verified customer with orders
	newcomer := f.tokens.BearerFor(t, f.newCustomer(t, "new.pilot@example.com"), 0, "customer")
	unverified := f.tokens.BearerFor(t, f.newAccount(t, "AVERY.CHEN@skyline-survey.example"), 0, "customer")
	for _, tc := range []struct {
		name, body string
		as         map[string]string
		status     int
		code       string
		checked    bool
	}{
		{"save250_on_79_is_422", `{"code":"SAVE250","subtotal":"79.00"}`, nil, 422, commerce.CodeCouponMinSubtotal, false},
		{"save250_just_below_2500_is_422", `{"code":"SAVE250","subtotal":"2499.99"}`, nil, 422, commerce.CodeCouponMinSubtotal, false},
		{"save250_at_2500", `{"code":"SAVE250","subtotal":"2500.00"}`, nil, 200, "", false},
		{"welcome10_signed_in_repeat_customer_is_422", `{"code":"WELCOME10","subtotal":"100.00"}`, shopper, 422, commerce.CodeCouponFirstOrder, false},
		{"welcome10_signed_in_new_customer", `{"code":"WELCOME10","subtotal":"100.00"}`, newcomer, 200, "", true},
		// An account not yet verified has no customer record: its email (here a customer's with
		// orders) proves nothing, so the rules are not checked for it.
		{"welcome10_unverified_account_is_unchecked", `{"code":"WELCOME10","subtotal":"100.00"}`, unverified, 200, "", false},
		{"welcome10_anonymous_is_unchecked", `{"code":"WELCOME10","subtotal":"100.00"}`, nil, 200, "", false},
		// No email is taken from the request: answering for any address would tell who has ordered.
		{"email_in_the_body_is_400", `{"code":"WELCOME10","subtotal":"100.00","email":"avery.chen@skyline-survey.example"}`, nil, 400, "invalid_request", false},
		{"bad_token_is_401", `{"code":"WELCOME10","subtotal":"100.00"}`, map[string]string{"Authorization": "Bearer nope"}, 401, "unauthorized", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := f.postWith(t, "/api/coupons/validate", tc.as, tc.body)
			if got.status != tc.status || got.err.Code != tc.code {
				t.Fatalf("= %d %q (%s), want %d %q", got.status, got.err.Code, got.err.Message, tc.status, tc.code)
			}
			if got.status != http.StatusOK {
				return
			}
			var p CouponPreview
			if err := json.Unmarshal(got.raw, &p); err != nil || !p.Valid || p.CustomerChecked != tc.checked {
				t.Fatalf("preview = %s (%v)", got.raw, err)
			}
			if p.Code == "WELCOME10" && (!p.Rules.FirstOrderOnly || p.Rules.PerCustomerLimit != 1) ||
				p.Code == "SAVE250" && p.Rules.MinSubtotal != 250000 {
				t.Fatalf("rules = %+v", p.Rules)
			}
		})
	}
}

// newCustomer adds a verified shopper account (linked to a new customer with email, no orders) and
// returns the account's id.
func (f fixture) newCustomer(t testing.TB, email string) int64 {
	t.Helper()
	ctx := context.Background()
	cust, err := db.InsertReturningID(ctx, f.db, `INSERT INTO customers (name, email) VALUES ('New Pilot', :1) RETURNING id INTO :2`, email)
	if err != nil {
		t.Fatal(err)
	}
	id, err := db.InsertReturningID(ctx, f.db, `INSERT INTO users (username, email, password_hash, full_name, role, customer_id)
VALUES (:1, :2, 'x', 'New Pilot', 'customer', :3) RETURNING id INTO :4`, email, email, cust)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newAccount adds a shopper account not yet verified (no customer) and returns its id.
func (f fixture) newAccount(t testing.TB, email string) int64 {
	t.Helper()
	id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO users (username, email, password_hash, full_name, role)
VALUES (:1, :2, 'x', 'Unverified', 'customer') RETURNING id INTO :3`, "unverified-"+email, email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
