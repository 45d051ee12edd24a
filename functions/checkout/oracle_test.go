package checkout

import (
	"errors"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
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
