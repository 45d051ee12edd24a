package crmorders

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestTransitionsFollowTheMachine(t *testing.T) {
	f := newFixture(t)
	ful := f.DB.As(t, seed.FulfillmentUser)
	all := []string{Pending, PaymentPending, Paid, Processing, Shipped, Delivered, Cancelled, Refunded}
	for _, from := range all {
		for _, to := range all {
			t.Run(from+"_to_"+to, func(t *testing.T) {
				o := f.newOrder(t, from, false)
				r := f.do(t, "POST", o.path("/transitions"), `{"to":"`+to+`","reason":"test"}`, ful)
				ok := canMoveOrder(from, to)
				got := f.DB.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = :2`, o.id, to)
				switch {
				case ok && (r.Status != http.StatusOK || got != 1 || r.ETag == ""):
					t.Fatalf("%d %s (moved %d, etag %q), want 200 and the order %s", r.Status, r.Body, got, r.ETag, to)
				case !ok:
					var e struct {
						Error struct {
							Code    string         `json:"code"`
							Details map[string]any `json:"details"`
						} `json:"error"`
					}
					_ = json.Unmarshal([]byte(r.Body), &e)
					if r.Status != http.StatusConflict || e.Error.Code != "invalid_transition" || len(e.Error.Details["allowed"].([]any)) != len(orderNext[from]) {
						t.Fatalf("%d %s, want 409 invalid_transition with the allowed ones", r.Status, r.Body)
					}
					if n := f.DB.Int(t, `SELECT COUNT(*) FROM order_status_history WHERE order_id = :1`, o.id); n != 0 {
						t.Fatal("a refused transition left history")
					}
				}
			})
		}
	}
}

// TestCancelAndRefundReturnStockAndCouponOnce sends 8 identical requests at once: one moves the order
// and returns its stock and coupon use, the other seven are 409 and return nothing.
func TestCancelAndRefundReturnStockAndCouponOnce(t *testing.T) {
	for _, tc := range []struct{ from, to string }{{Processing, Cancelled}, {Pending, Cancelled}, {Delivered, Refunded}, {Paid, Refunded}} {
		t.Run(tc.from+"_to_"+tc.to, func(t *testing.T) {
			f := newFixture(t)
			ful := f.DB.As(t, seed.FulfillmentUser)
			o := f.newOrder(t, tc.from, true)
			stock := f.DB.Int(t, `SELECT stock FROM products WHERE id = :1`, o.product)
			used := f.DB.Int(t, `SELECT used_count FROM coupons WHERE id = :1`, o.coupon)
			var wg sync.WaitGroup
			codes := make(chan int, 8)
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes <- f.do(t, "POST", o.path("/transitions"), `{"to":"`+tc.to+`"}`, ful).Status
				}()
			}
			wg.Wait()
			close(codes)
			count := map[int]int{}
			for c := range codes {
				count[c]++
			}
			if count[http.StatusOK] != 1 || count[http.StatusConflict] != 7 {
				t.Fatalf("answers %v, want one 200 and seven 409", count)
			}
			if got := f.DB.Int(t, `SELECT stock FROM products WHERE id = :1`, o.product); got != stock+o.qty {
				t.Errorf("stock %d, want %d + %d once", got, stock, o.qty)
			}
			if got := f.DB.Int(t, `SELECT used_count FROM coupons WHERE id = :1`, o.coupon); got != used-1 {
				t.Errorf("coupon uses %d, want %d - 1 once", got, used)
			}
			if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'order.transition' AND entity_id = :1`, itoa(o.id)); n != 1 {
				t.Errorf("%d audit rows, want 1", n)
			}
		})
	}
}

func TestTransitionIsAuditedWithBeforeAndAfter(t *testing.T) {
	f := newFixture(t)
	o := f.newOrder(t, Processing, false)
	r := f.do(t, "POST", o.path("/transitions"), `{"to":"shipped","reason":"picked up"}`, f.DB.As(t, seed.AdminUser))
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var details string
	if err := f.DB.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'order.transition' AND entity_id = :1`, itoa(o.id)).Scan(&details); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"before":{`, `"status":"processing"`, `"after":{`, `"status":"shipped"`, `"shipment_status":"shipped"`, `"reason":"picked up"`} {
		if !strings.Contains(details, want) {
			t.Errorf("audit details %s lack %s", details, want)
		}
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'shipment_status'`); n != 1 {
		t.Errorf("%d shipment emails queued, want 1", n)
	}
}

func TestBadTransitionInputIs400(t *testing.T) {
	f := newFixture(t)
	o := f.newOrder(t, Processing, false)
	ful := f.DB.As(t, seed.FulfillmentUser)
	for name, body := range map[string]string{
		"unknown_status": `{"to":"teleported"}`,
		"long_reason":    `{"to":"cancelled","reason":"` + strings.Repeat("é", 300) + `"}`,
		"unknown_field":  `{"to":"cancelled","force":true}`,
	} {
		t.Run(name, func(t *testing.T) {
			if r := f.do(t, "POST", o.path("/transitions"), body, ful); r.Status != http.StatusBadRequest {
				t.Fatalf("%d %s, want 400", r.Status, r.Body)
			}
		})
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM orders WHERE id = :1 AND status = 'processing'`, o.id); n != 1 {
		t.Fatal("a refused request changed the order")
	}
	if r := f.do(t, "POST", "/api/crm/orders/999999/transitions", `{"to":"cancelled"}`, ful); r.Status != http.StatusNotFound {
		t.Fatalf("missing order: %d", r.Status)
	}
}
