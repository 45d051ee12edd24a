package crmcustomers

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := New(d.DB, log)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: security.New(security.Config{}, d.DB, nil, log).Middleware(h)}
}

type response struct {
	status int
	body   string
	etag   string
	stmts  int
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	h := map[string]string{}
	for k, v := range headers {
		h[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	s := dbtest.Serve(f.h, method, target, body, h)
	return response{status: s.Status, body: string(s.Body), stmts: s.Statements, etag: s.Header.Get("ETag")}
}

func TestSearchPagesWithConstantStatements(t *testing.T) {
	f := newFixture(t)
	support := f.db.As(t, seed.SupportUser)
	for i := range 120 {
		f.db.Exec(t, `INSERT INTO customers (name, email, company, industry) VALUES (:1, :2, 'Acme 100% Drones', 'Mining')`,
			fmt.Sprintf("Pilot %d", i), fmt.Sprintf("pilot%d@example.com", i))
	}
	small := f.do(t, "GET", "/api/crm/customers?limit=10", "", support)
	large := f.do(t, "GET", "/api/crm/customers?limit=100", "", support)
	var a, b Page
	_ = json.Unmarshal([]byte(small.body), &a)
	_ = json.Unmarshal([]byte(large.body), &b)
	if len(a.Items) != 10 || len(b.Items) != 100 || small.stmts != 1 || large.stmts != 1 {
		t.Fatalf("%d and %d items in %d and %d statements, want 10 and 100 in 1", len(a.Items), len(b.Items), small.stmts, large.stmts)
	}
	for q, want := range map[string]int{"q=nordgrid": 1, "q=100%25": 120, "q=PILOT%201": 31, "industry=mining": 120, "industry=Utilities": 1, "q=_": 0} {
		var p Page
		r := f.do(t, "GET", "/api/crm/customers?limit=100&"+q, "", support)
		_ = json.Unmarshal([]byte(r.body), &p)
		n := len(p.Items)
		for p.NextCursor != nil {
			r = f.do(t, "GET", "/api/crm/customers?limit=100&"+q+"&cursor="+*p.NextCursor, "", support)
			p = Page{}
			_ = json.Unmarshal([]byte(r.body), &p)
			n += len(p.Items)
		}
		if n != want {
			t.Errorf("%s: %d customers, want %d", q, n, want)
		}
	}
	for _, bad := range []string{"limit=101", "cursor=zz", "q=" + strings.Repeat("a", 101)} {
		if r := f.do(t, "GET", "/api/crm/customers?"+bad, "", support); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}

func TestThe360View(t *testing.T) {
	f := newFixture(t)
	id := f.db.Int(t, `SELECT customer_id FROM users WHERE username = :1`, seed.ShopperUser)
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, o := range []struct {
		status string
		total  int
	}{{"delivered", 100}, {"processing", 50}, {"cancelled", 1000}} {
		f.db.Exec(t, `INSERT INTO orders (customer_id, subtotal, total, status, payment_status, created_at, updated_at) VALUES (:1, :2, :3, :4, 'paid', :5, :6)`,
			id, o.total, o.total, o.status, now, now)
	}
	want := f.db.Int(t, `SELECT CAST(SUM(total) AS INTEGER) FROM orders WHERE customer_id = :1 AND status <> 'cancelled'`, id)
	f.db.Exec(t, `INSERT INTO tickets (customer_id, subject, status, priority) VALUES (:1, 'Open one', 'open', 'low')`, id)
	r := f.do(t, "GET", "/api/crm/customers/"+strconv.FormatInt(id, 10), "", f.db.As(t, seed.MarketingUser))
	var v View
	if err := json.Unmarshal([]byte(r.body), &v); err != nil || r.status != http.StatusOK || r.etag == "" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if v.Orders.LifetimeRevenue.String() != strconv.FormatInt(want, 10)+".00" || v.Orders.Count < 3 || len(v.OpenTickets) == 0 ||
		v.LastActivity == nil || v.Contact.Email != "jordan.blake@example.com" || r.stmts != 4 {
		t.Fatalf("view %+v (%d statements), want revenue %d", v, r.stmts, want)
	}
	if r := f.do(t, "GET", "/api/crm/customers/999999", "", f.db.As(t, seed.SupportUser)); r.status != http.StatusNotFound {
		t.Fatalf("missing: %d", r.status)
	}
}

func TestPatchNeedsIfMatchAndIsAudited(t *testing.T) {
	f := newFixture(t)
	support := f.db.As(t, seed.SupportUser)
	id := f.db.Int(t, `SELECT MIN(id) FROM customers`)
	p := "/api/crm/customers/" + strconv.FormatInt(id, 10)
	d := f.do(t, "GET", p, "", support)
	if r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100"}`, support); r.status != http.StatusPreconditionRequired {
		t.Fatalf("no If-Match: %d", r.status)
	}
	f.db.Exec(t, `UPDATE customers SET notes = 'edited elsewhere' WHERE id = :1`, id)
	if r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100"}`, support, "If-Match", d.etag); r.status != http.StatusPreconditionFailed {
		t.Fatalf("stale: %d", r.status)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM customers WHERE id = :1 AND phone = '+1 555 0100'`, id) != 0 || f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'customer.update'`) != 0 {
		t.Fatal("a refused PATCH changed something")
	}
	d = f.do(t, "GET", p, "", support)
	r := f.do(t, "PATCH", p, `{"phone":"+1 555 0100","company":""}`, support, "If-Match", d.etag)
	if r.status != http.StatusOK || r.etag == d.etag {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var details string
	_ = f.db.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'customer.update'`).Scan(&details)
	if !strings.Contains(details, `"after":{"company":"","phone":"+1 555 0100"}`) || strings.Contains(details, `"name"`) {
		t.Fatalf("audit details %s: want only the changed fields", details)
	}
	other := f.db.Int(t, `SELECT MAX(id) FROM customers`)
	otherEmail := ""
	_ = f.db.QueryRowContext(t.Context(), `SELECT email FROM customers WHERE id = :1`, other).Scan(&otherEmail)
	if r2 := f.do(t, "PATCH", p, `{"email":"`+strings.ToUpper(otherEmail)+`"}`, support, "If-Match", r.etag); r2.status != http.StatusConflict {
		t.Fatalf("duplicate email: %d %s", r2.status, r2.body)
	}
	for name, body := range map[string]string{"empty": `{}`, "blank_name": `{"name":" "}`, "bad_email": `{"email":"nope"}`,
		"long_phone": `{"phone":"` + strings.Repeat("9", 41) + `"}`, "unknown": `{"vip":true}`} {
		if r3 := f.do(t, "PATCH", p, body, support, "If-Match", r.etag); r3.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r3.status)
		}
	}
}
