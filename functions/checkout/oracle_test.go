package checkout

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/commerce"
	"github.com/octo-drone-shop/serverless/shared/db"
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

// TestDeadlockIsRetriedOnce: two checkouts of overlapping carts can deadlock on ATP (the product rows
// are locked in plan order); Oracle's victim gets ORA-00060, mapped to db.ErrDeadlock, and the
// checkout's transaction is run once more. SQLite cannot deadlock, so the rule is tested on its own.
func TestDeadlockIsRetriedOnce(t *testing.T) {
	deadlock := &apperr.Error{Op: "db: UPDATE products", Kind: apperr.Unavailable, Err: db.ErrDeadlock}
	for _, tc := range []struct {
		name   string
		fails  int
		calls  int
		failed bool
	}{
		{"no_deadlock_runs_once", 0, 1, false},
		{"one_deadlock_is_retried", 1, 2, false},
		{"second_deadlock_fails", 2, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			err := retryDeadlock(func() error {
				calls++
				if calls <= tc.fails {
					return deadlock
				}
				return nil
			})
			if calls != tc.calls || (err != nil) != tc.failed {
				t.Fatalf("%d calls, err %v; want %d calls, failed %t", calls, err, tc.calls, tc.failed)
			}
		})
	}
	other := errors.New("other")
	calls := 0
	if err := retryDeadlock(func() error { calls++; return other }); err != other || calls != 1 {
		t.Fatalf("other error: %d calls, %v; want one call", calls, err)
	}
}

// deferredFixture is a fixture whose handler runs on the same file with SQLite's deferred
// transactions, where BEGIN locks nothing: the only lock a checkout has is what its statements take,
// as on Oracle under READ COMMITTED (see ARCHITECTURE.md, "Concurrency on Oracle").
func deferredFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t)
	var err error
	if f.h, err = New(f.db.Deferred(t, 8), slog.New(slog.NewTextHandler(io.Discard, nil)), WithVerifier(f.tokens.Verifier)); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestCheckoutLocksWithItsFirstStatement: under deferred transactions concurrent checkouts of one
// scarce product with a limited coupon still sell exactly the stock and the coupon's uses, and none
// fails busy: the transaction's first statement is the cart's UPDATE, stock and coupon are single
// conditional UPDATEs, so nothing is decided on a read another transaction can invalidate.
func TestCheckoutLocksWithItsFirstStatement(t *testing.T) {
	f := deferredFixture(t)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, max_uses) VALUES ('TWO', 5, 2)`)
	p := f.product(t, "T-DEFERRED", 10000, 4)
	carts := make([]string, 12)
	for i := range carts {
		carts[i] = f.cart(t, map[int64]int64{p: 1})
	}
	answers := race(len(carts), func(i int) answer {
		coupon := ""
		if i%2 == 0 {
			coupon = "two"
		}
		return f.checkout(t, fmt.Sprintf("deferred-key-%02d", i), body(carts[i], fmt.Sprintf("d%d@example.com", i), coupon))
	})
	byOutcome := map[string]int{}
	for _, a := range answers {
		byOutcome[fmt.Sprintf("%d %s", a.status, a.err.Code)]++
	}
	for outcome := range byOutcome {
		if outcome != "201 " && outcome != "409 out_of_stock" && outcome != "422 "+commerce.CodeCouponExhausted {
			t.Errorf("outcome %q (all: %v): a checkout decided on a read another transaction changed", outcome, byOutcome)
		}
	}
	if byOutcome["201 "] != 4 {
		t.Errorf("%d orders, want the 4 in stock (%v)", byOutcome["201 "], byOutcome)
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 0 {
		t.Errorf("stock %d, want 0", stock)
	}
	if used := f.db.Int(t, `SELECT used_count FROM coupons WHERE code = 'TWO'`); used > 2 ||
		used != f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE coupon_code = 'TWO'`) {
		t.Errorf("coupon used %d times, want at most 2 and one per order", used)
	}
}
