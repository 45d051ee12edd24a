package crmorders

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestListCostsTheSameStatementsForAnyPageSize(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	for range 110 {
		f.newOrder(t, Processing, false)
	}
	small := f.do(t, "GET", "/api/crm/orders?limit=10", "", support)
	large := f.do(t, "GET", "/api/crm/orders?limit=100", "", support)
	var a, b ListPage
	_ = json.Unmarshal([]byte(small.Body), &a)
	_ = json.Unmarshal([]byte(large.Body), &b)
	if small.Status != http.StatusOK || len(a.Items) != 10 || len(b.Items) != 100 {
		t.Fatalf("pages of %d and %d items", len(a.Items), len(b.Items))
	}
	if small.Statements != large.Statements || small.Statements != 1 {
		t.Fatalf("statements: %d for 10 rows, %d for 100; want 1 for both", small.Statements, large.Statements)
	}
	if r := f.do(t, "GET", "/api/crm/orders?limit=101", "", support); r.Status != http.StatusBadRequest {
		t.Fatalf("limit 101: %d, want 400", r.Status)
	}
}

func TestListFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	old := f.newOrder(t, Processing, false)
	f.DB.Exec(t, `UPDATE orders SET created_at = :1 WHERE id = :2`, time.Now().UTC().Add(-2*time.Hour).Truncate(time.Millisecond), old.id)
	rich := f.newOrder(t, Paid, false)
	f.DB.Exec(t, `UPDATE orders SET total = 60000 WHERE id = :1`, rich.id)
	ids := func(target string) []int64 {
		r := f.do(t, "GET", target, "", support)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", target, r.Status, r.Body)
		}
		var p ListPage
		_ = json.Unmarshal([]byte(r.Body), &p)
		var out []int64
		for _, o := range p.Items {
			out = append(out, o.ID)
		}
		return out
	}
	contains := func(xs []int64, x int64) bool {
		for _, v := range xs {
			if v == x {
				return true
			}
		}
		return false
	}
	backlog := ids("/api/crm/orders?backlog=true&limit=100")
	if !contains(backlog, old.id) || contains(backlog, rich.id) {
		t.Errorf("backlog %v: want the 2-hour-old processing order %d only among ours", backlog, old.id)
	}
	if s := ids("/api/crm/orders?suspicious=true&limit=100"); !contains(s, rich.id) || contains(s, old.id) {
		t.Errorf("suspicious %v: want %d", s, rich.id)
	}
	if s := ids("/api/crm/orders?status=paid&limit=100"); !contains(s, rich.id) || contains(s, old.id) {
		t.Errorf("status=paid %v", s)
	}
	// Keyset pages of 1 walk every order once.
	total := f.DB.Int(t, `SELECT COUNT(*) FROM orders`)
	seen, cursor := map[int64]bool{}, ""
	for range total + 1 {
		target := "/api/crm/orders?limit=1"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		var p ListPage
		_ = json.Unmarshal([]byte(f.do(t, "GET", target, "", support).Body), &p)
		for _, o := range p.Items {
			if seen[o.ID] {
				t.Fatalf("order %d twice", o.ID)
			}
			seen[o.ID] = true
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if int64(len(seen)) != total {
		t.Fatalf("paged %d orders of %d", len(seen), total)
	}
	for _, bad := range []string{"status=lost", "customer_id=x", "from=yesterday", "backlog=yes", "cursor=zzz"} {
		if r := f.do(t, "GET", "/api/crm/orders?"+bad, "", support); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.Status)
		}
	}
}

func TestDetailHasItemsShipmentAndHistory(t *testing.T) {
	f := newFixture(t)
	o := f.newOrder(t, Processing, false)
	_ = f.do(t, "POST", o.path("/transitions"), `{"to":"shipped","reason":"truck left"}`, f.DB.As(t, seed.FulfillmentUser))
	r := f.do(t, "GET", o.path(""), "", f.DB.As(t, seed.SupportUser))
	var d Order
	if err := json.Unmarshal([]byte(r.Body), &d); err != nil || r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if len(d.Items) != 1 || d.Shipment == nil || d.Shipment.Status != "shipped" || len(d.Shipment.Events) != 1 ||
		len(d.History) != 1 || d.History[0].Reason != "truck left" || d.Customer.Email == "" || r.Statements != 4 {
		t.Fatalf("detail %+v (%d statements)", d, r.Statements)
	}
	if r := f.do(t, "GET", "/api/crm/orders/999999", "", f.DB.As(t, seed.SupportUser)); r.Status != http.StatusNotFound {
		t.Fatalf("missing: %d", r.Status)
	}
}
