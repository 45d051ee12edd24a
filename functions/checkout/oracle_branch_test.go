package checkout

import (
	"context"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// hideUntil makes the first n look-ups of an idempotency key miss, as on Oracle under READ COMMITTED
// while the concurrent request that stored the key has not committed yet.
func hideUntil(n int) fault {
	return func(_ context.Context, _ db.DBTX, call int, args []any) ([]any, error) {
		if call <= n {
			args = append([]any{args[0].(string) + "-uncommitted"}, args[1:]...)
		}
		return args, nil
	}
}

// TestKeyTakenConcurrentlyOnOracle: on Oracle two requests with one key and different carts both
// miss the key at steps 1 and 3 (the other has not committed), and the unique index on
// orders.idempotency_key rejects the loser's insert (ORA-00001). The loser rolls back and answers
// from the winner's order: the same order (200, replayed) for the same request, 409
// idempotency_key_reused for another. SQLite's write lock never lets this happen, so the race is
// injected: both look-ups miss, then the order's insert fails as Oracle fails it.
func TestKeyTakenConcurrentlyOnOracle(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sameCart bool
		status   int
		code     string
		replayed bool
	}{
		{"same_request_answers_the_winners_order", true, http.StatusOK, "", true},
		{"other_request_is_key_reused", false, http.StatusConflict, "idempotency_key_reused", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := newFixture(t)
			p := base.product(t, "T-RACE", 10000, 10)
			winnerCart := base.cart(t, map[int64]int64{p: 2})
			won := base.checkout(t, "raced-key-0001", body(winnerCart, "race@example.com", ""))
			if won.status != http.StatusCreated {
				t.Fatalf("winner: %d %+v", won.status, won.err)
			}
			loserCart := base.cart(t, map[int64]int64{p: 2})
			if tc.sameCart { // the same request again: its cart still holds the lines it held
				loserCart = winnerCart
				base.db.Exec(t, `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (:1, :2, 2)`, winnerCart, p)
			}
			plan := newFaults(map[string]fault{orderByKeySQL: hideUntil(2), insertOrderSQL: failAt(oraUnique)})
			f := faultFixture(t, base, plan)
			orders := f.db.Int(t, `SELECT COUNT(*) FROM orders`)

			got := f.checkout(t, "raced-key-0001", body(loserCart, "race@example.com", ""))
			if got.status != tc.status || got.err.Code != tc.code || got.replayed != tc.replayed {
				t.Fatalf("loser: %d %q replayed=%t (%+v), want %d %q replayed=%t", got.status, got.err.Code,
					got.replayed, got.err, tc.status, tc.code, tc.replayed)
			}
			if tc.replayed && (got.result.Order.ID != won.result.Order.ID || got.result.Order.Total != won.result.Order.Total ||
				len(got.result.Order.Items) != 1) {
				t.Errorf("replayed %+v, want the winner's order %+v", got.result.Order, won.result.Order)
			}
			if plan.calls[insertOrderSQL] != 1 || plan.calls[orderByKeySQL] != 3 {
				t.Errorf("calls %v: the race was not run as injected", plan.calls)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM orders`); n != orders {
				t.Errorf("%d orders after the loser, want %d: it left an order behind", n, orders)
			}
			if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 8 {
				t.Errorf("stock %d, want 8: the loser's decrement must roll back", stock)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM cart_items WHERE cart_id = :1`, loserCart); n != 1 {
				t.Errorf("the loser's cart holds %d lines, want its 1 line back", n)
			}
		})
	}
}

// TestConcurrentCustomerInsertIsTolerated: Oracle's MERGE is not atomic against a concurrent insert
// of the same email, so two first orders of one new customer can both try to insert them; the loser
// gets ORA-00001, and since the row it wanted exists, its checkout goes on and orders as that
// customer. Injected: the winner's row appears, and the MERGE fails as Oracle fails it.
func TestConcurrentCustomerInsertIsTolerated(t *testing.T) {
	base := newFixture(t)
	p := base.product(t, "T-MERGE", 5000, 3)
	cart := base.cart(t, map[int64]int64{p: 1})
	winnerWrote := func(ctx context.Context, q db.DBTX, _ int, args []any) ([]any, error) {
		if _, err := q.ExecContext(ctx, `INSERT INTO customers (name, email) VALUES ('Won First', 'merge@example.com')`); err != nil {
			return args, err
		}
		return args, oraUnique
	}
	f := faultFixture(t, base, newFaults(map[string]fault{upsertCustomerSQL: winnerWrote}))

	got := f.checkout(t, "merge-key-0001", body(cart, "Merge@Example.com", ""))
	if got.status != http.StatusCreated {
		t.Fatalf("status %d %+v, want 201: the customer exists, which is all the order needs", got.status, got.err)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.id = :1 AND c.name = 'Won First'`, got.result.Order.ID); n != 1 {
		t.Errorf("the order is not the winner's customer's")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM customers WHERE LOWER(email) = 'merge@example.com'`); n != 1 {
		t.Errorf("%d customers with the email, want 1", n)
	}
}

// TestDeadlockVictimIsRetried: when Oracle picks the checkout as a deadlock victim (ORA-00060 on
// the stock decrement), the whole transaction runs again and the order is placed once.
func TestDeadlockVictimIsRetried(t *testing.T) {
	base := newFixture(t)
	p := base.product(t, "T-DEADLOCK", 5000, 3)
	cart := base.cart(t, map[int64]int64{p: 2})
	plan := newFaults(map[string]fault{decrementStockSQL: failAt(oraDeadlock, 1)})
	f := faultFixture(t, base, plan)

	got := f.checkout(t, "deadlock-key-01", body(cart, "deadlock@example.com", ""))
	if got.status != http.StatusCreated || plan.calls[decrementStockSQL] != 2 {
		t.Fatalf("status %d %+v after %d decrements, want 201 after the retry", got.status, got.err, plan.calls[decrementStockSQL])
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 1 {
		t.Errorf("stock %d, want 1: decremented once", stock)
	}
}

// TestAFailureAtAnyWriteLeavesNothing: whichever write of a checkout (with a coupon) fails, the
// answer is an error and nothing the earlier statements wrote survives.
func TestAFailureAtAnyWriteLeavesNothing(t *testing.T) {
	base := newFixture(t)
	base.db.Exec(t, `INSERT INTO coupons (code, discount_percent, max_uses) VALUES ('FAULT5', 5, 10)`)
	p := base.product(t, "T-FAULT", 4000, 9)
	for _, stmt := range []struct{ name, sql string }{
		{"decrement_stock", decrementStockSQL},
		{"customer", upsertCustomerSQL},
		{"order", insertOrderSQL},
		{"items", insertOrderItemSQL},
		{"shipment", insertShipmentSQL},
		{"shipment_event", insertShipmentEventSQL},
		{"audit", "INSERT INTO audit_logs"},
		{"empty_cart", emptyCartSQL},
	} {
		t.Run(stmt.name, func(t *testing.T) {
			cart := base.cart(t, map[int64]int64{p: 2})
			plan := newFaults(map[string]fault{stmt.sql: failAt(errInjected)})
			f := faultFixture(t, base, plan)
			before := snapshot(t, f)
			got := f.checkout(t, "fault-key-"+stmt.name, body(cart, "fault@example.com", "fault5"))
			if got.status != http.StatusInternalServerError || plan.calls[stmt.sql] != 1 {
				t.Fatalf("status %d after %d calls of the statement, want 500 after 1", got.status, plan.calls[stmt.sql])
			}
			if after := snapshot(t, f); after != before {
				t.Errorf("after the failure %s, before %s: a partial write survived", after, before)
			}
		})
	}
}
