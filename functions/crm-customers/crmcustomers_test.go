package crmcustomers

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct{ dbtest.Fixture }

func newFixture(t *testing.T) fixture {
	t.Helper()
	return fixture{dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) {
		return New(d, log)
	})}
}

type response = dbtest.Response

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	return f.Do(method, target, body, headers, extra...)
}

func TestSearchPagesWithConstantStatements(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	for i := range 120 {
		f.DB.Exec(t, `INSERT INTO customers (name, email, company, industry) VALUES (:1, :2, 'Acme 100% Drones', 'Mining')`,
			fmt.Sprintf("Pilot %d", i), fmt.Sprintf("pilot%d@example.com", i))
	}
	small := f.do(t, "GET", "/api/crm/customers?limit=10", "", support)
	large := f.do(t, "GET", "/api/crm/customers?limit=100", "", support)
	var a, b Page
	_ = json.Unmarshal([]byte(small.Body), &a)
	_ = json.Unmarshal([]byte(large.Body), &b)
	if len(a.Items) != 10 || len(b.Items) != 100 || small.Statements != 1 || large.Statements != 1 {
		t.Fatalf("%d and %d items in %d and %d statements, want 10 and 100 in 1", len(a.Items), len(b.Items), small.Statements, large.Statements)
	}
	for q, want := range map[string]int{"q=nordgrid": 1, "q=100%25": 120, "q=PILOT%201": 31, "industry=mining": 120, "industry=Utilities": 1, "q=_": 0} {
		var p Page
		r := f.do(t, "GET", "/api/crm/customers?limit=100&"+q, "", support)
		_ = json.Unmarshal([]byte(r.Body), &p)
		n := len(p.Items)
		for p.NextCursor != nil {
			r = f.do(t, "GET", "/api/crm/customers?limit=100&"+q+"&cursor="+*p.NextCursor, "", support)
			p = Page{}
			_ = json.Unmarshal([]byte(r.Body), &p)
			n += len(p.Items)
		}
		if n != want {
			t.Errorf("%s: %d customers, want %d", q, n, want)
		}
	}
	for _, bad := range []string{"limit=101", "cursor=zz", "q=" + strings.Repeat("a", 101)} {
		if r := f.do(t, "GET", "/api/crm/customers?"+bad, "", support); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.Status)
		}
	}
}

func TestThe360View(t *testing.T) {
	f := newFixture(t)
	id := f.DB.Int(t, `SELECT customer_id FROM users WHERE username = :1`, seed.ShopperUser)
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, o := range []struct {
		status string
		total  int
	}{{"delivered", 100}, {"processing", 50}, {"cancelled", 1000}} {
		f.DB.Exec(t, `INSERT INTO orders (customer_id, subtotal, total, status, payment_status, created_at, updated_at) VALUES (:1, :2, :3, :4, 'paid', :5, :6)`,
			id, o.total, o.total, o.status, now, now)
	}
	want := f.DB.Int(t, `SELECT CAST(SUM(total) AS INTEGER) FROM orders WHERE customer_id = :1 AND status <> 'cancelled'`, id)
	f.DB.Exec(t, `INSERT INTO tickets (customer_id, subject, status, priority) VALUES (:1, 'Open one', 'open', 'low')`, id)
	r := f.do(t, "GET", "/api/crm/customers/"+strconv.FormatInt(id, 10), "", f.DB.As(t, seed.MarketingUser))
	var v View
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil || r.Status != http.StatusOK || r.ETag == "" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if v.Orders.LifetimeRevenue.String() != strconv.FormatInt(want, 10)+".00" || v.Orders.Count < 3 || len(v.OpenTickets) == 0 ||
		v.LastActivity == nil || v.Contact.Email != "jordan.blake@example.com" || r.Statements != 4 {
		t.Fatalf("view %+v (%d statements), want revenue %d", v, r.Statements, want)
	}
	if r := f.do(t, "GET", "/api/crm/customers/999999", "", f.DB.As(t, seed.SupportUser)); r.Status != http.StatusNotFound {
		t.Fatalf("missing: %d", r.Status)
	}
}

func TestPatchNeedsIfMatchAndIsAudited(t *testing.T) {
	f := newFixture(t)
	support := f.DB.As(t, seed.SupportUser)
	id := f.DB.Int(t, `SELECT MIN(id) FROM customers`)
	p := "/api/crm/customers/" + strconv.FormatInt(id, 10)
	d := f.do(t, "GET", p, "", support)
	if r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100"}`, support); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("no If-Match: %d", r.Status)
	}
	f.DB.Exec(t, `UPDATE customers SET notes = 'edited elsewhere' WHERE id = :1`, id)
	if r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100"}`, support, "If-Match", d.ETag); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale: %d", r.Status)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM customers WHERE id = :1 AND phone = '+1 555 0100'`, id) != 0 || f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'customer.update'`) != 0 {
		t.Fatal("a refused PATCH changed something")
	}
	d = f.do(t, "GET", p, "", support)
	r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100","company":""}`, support, "If-Match", d.ETag)
	if r.Status != http.StatusOK || r.ETag == d.ETag {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var details string
	_ = f.DB.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'customer.update'`).Scan(&details)
	if !strings.Contains(details, `"after":{"company":"","phone":"+1 555 0100"}`) || strings.Contains(details, `"name"`) {
		t.Fatalf("audit details %s: want only the changed fields", details)
	}
	other := f.DB.Int(t, `SELECT MAX(id) FROM customers`)
	otherEmail := ""
	_ = f.DB.QueryRowContext(t.Context(), `SELECT email FROM customers WHERE id = :1`, other).Scan(&otherEmail)
	if r2 := f.do(t, "PATCH", p, `{"email":"`+strings.ToUpper(otherEmail)+`"}`, support, "If-Match", r.ETag); r2.Status != http.StatusConflict {
		t.Fatalf("duplicate email: %d %s", r2.Status, r2.Body)
	}
	for name, body := range map[string]string{"empty": `{}`, "blank_name": `{"name":" "}`, "bad_email": `{"email":"nope"}`,
		"long_phone": `{"phone":"` + strings.Repeat("9", 41) + `"}`, "unknown": `{"vip":true}`} {
		if r3 := f.do(t, "PATCH", p, body, support, "If-Match", r.ETag); r3.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r3.Status)
		}
	}
}
