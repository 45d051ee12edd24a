package adminaudit

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct{ dbtest.Fixture }

func newFixture(t testing.TB) fixture {
	t.Helper()
	return fixture{dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) { return New(d, log) })}
}

func (f fixture) get(t testing.TB, user, target string, extra ...string) dbtest.Served {
	t.Helper()
	h := f.DB.As(t, user)
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	return dbtest.Serve(f.H, "GET", target, "", h)
}

// addAuditRows writes n audit rows: actors alternate between two, every third from 203.0.113.9, the
// time one second apart from base.
func addAuditRows(t testing.TB, f fixture, n int, base time.Time) {
	t.Helper()
	rows := make([][]any, n)
	for i := range rows {
		ip := "198.51.100.4"
		if i%3 == 0 {
			ip = "203.0.113.9"
		}
		rows[i] = []any{fmt.Sprintf("user:%d", 1+i%2), "product.update", "product", fmt.Sprint(i % 10), fmt.Sprintf(`{"i":%d}`, i), ip,
			base.Add(time.Duration(i) * time.Second)}
	}
	if _, err := db.ExecBatch(t.Context(), f.DB, `INSERT INTO audit_logs (actor, action, entity_type, entity_id, details, ip_address, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`, rows); err != nil {
		t.Fatal(err)
	}
}

func TestOnlyAdminsReadTheAuditLogAndSecurityEvents(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/admin/audit-logs", "/api/admin/security-events"} {
		for _, user := range []string{seed.SupportUser, seed.MarketingUser, seed.FulfillmentUser, seed.ShopperUser} {
			for _, accept := range []string{"application/json", "text/csv"} {
				if s := f.get(t, user, path, "Accept", accept); s.Status != http.StatusForbidden || bytes.Contains(s.Body, []byte("203.0.113")) {
					t.Errorf("%s as %s (%s): %d, want 403", path, user, accept, s.Status)
				}
			}
		}
		if s := dbtest.Serve(f.H, "GET", path, "", nil); s.Status != http.StatusUnauthorized {
			t.Errorf("%s anonymous: %d, want 401", path, s.Status)
		}
		if s := f.get(t, seed.AdminUser, path); s.Status != http.StatusOK {
			t.Errorf("%s as admin: %d %s", path, s.Status, s.Body)
		}
	}
}

func TestAuditFiltersAndPages(t *testing.T) {
	f := newFixture(t)
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	addAuditRows(t, f, 300, base)
	count := func(query string) (int, int) {
		n, pages := 0, 0
		target := "/api/admin/audit-logs?limit=100&" + query
		for {
			s := f.get(t, seed.AdminUser, target)
			var p AuditPage
			if err := json.Unmarshal(s.Body, &p); err != nil || s.Status != http.StatusOK || s.Statements != 1 {
				t.Fatalf("%s: %d %s (%d statements)", query, s.Status, s.Body, s.Statements)
			}
			for i := 1; i < len(p.Items); i++ {
				if p.Items[i].ID >= p.Items[i-1].ID {
					t.Fatalf("%s: not newest first", query)
				}
			}
			n, pages = n+len(p.Items), pages+1
			if p.NextCursor == nil {
				return n, pages
			}
			target = "/api/admin/audit-logs?limit=100&" + query + "&cursor=" + *p.NextCursor
		}
	}
	from, until := url.QueryEscape(base.Add(100*time.Second).Format(time.RFC3339)), url.QueryEscape(base.Add(150*time.Second).Format(time.RFC3339))
	for query, want := range map[string]int{
		"actor=user:1&from=" + url.QueryEscape(base.Format(time.RFC3339)):                                           150,
		"entity_type=product&entity_id=3":                                                                           30,
		"source=203.0.113.9&from=" + url.QueryEscape(base.Format(time.RFC3339)):                                     100,
		"from=" + from + "&until=" + until:                                                                          50,
		"action=product.update&actor=user:2&source=198.51.100.4&from=" + url.QueryEscape(base.Format(time.RFC3339)): 100,
	} {
		if got, pages := count(query); got != want || pages != (want+99)/100 {
			t.Errorf("%s: %d rows in %d pages, want %d", query, got, pages, want)
		}
	}
	for _, bad := range []string{"source=not-an-ip", "from=yesterday", "from=" + until + "&until=" + from, "limit=101", "cursor=zz",
		"actor=" + strings.Repeat("a", 129), "action=DROP%20TABLE", "entity_id=%E2%80%AE"} {
		s := f.get(t, seed.AdminUser, "/api/admin/audit-logs?"+bad)
		if s.Status != http.StatusBadRequest || !bytes.Contains(s.Body, []byte(`"error"`)) {
			t.Errorf("%s: %d %s, want a 400 JSON error", bad, s.Status, s.Body)
		}
	}
}

func TestSecurityEventsFilterBySeverityTypeAndSource(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC().Truncate(time.Minute)
	for i, ev := range []struct{ kind, severity, ip, payload string }{
		{"sql_injection", "high", "203.0.113.50", "=HYPERLINK(\"http://evil\")"},
		{"xss", "high", "203.0.113.50", "<script>alert(1)</script>"},
		{"brute_force", "critical", "2001:db8::7", "+cmd|' /C calc'!A0"},
	} {
		f.DB.Exec(t, `INSERT INTO security_events (attack_type, severity, source_ip, payload, window_start, created_at, updated_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`, ev.kind, ev.severity, ev.ip, ev.payload, now.Add(time.Duration(i)*time.Minute), now, now)
	}
	for query, want := range map[string]int{"source=203.0.113.50": 2, "severity=critical&source=2001:db8::7": 1,
		"type=xss&source=203.0.113.50": 1, "source=2001:0db8:0:0:0:0:0:7": 1} {
		s := f.get(t, seed.AdminUser, "/api/admin/security-events?"+query)
		var p EventPage
		if err := json.Unmarshal(s.Body, &p); err != nil || len(p.Items) != want || s.Statements != 1 {
			t.Errorf("%s: %d events (%d %s), want %d", query, len(p.Items), s.Status, s.Body, want)
		}
	}
	s := f.get(t, seed.AdminUser, "/api/admin/security-events?source=2001:db8::7", "Accept", "text/csv")
	rows, err := csv.NewReader(bytes.NewReader(s.Body)).ReadAll()
	if err != nil || s.Status != http.StatusOK || len(rows) != 2 || !strings.HasPrefix(s.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %q %v", s.Status, s.Body, err)
	}
	if payload := rows[1][9]; payload != "'+cmd|' /C calc'!A0" {
		t.Fatalf("payload cell %q: a formula must be defused with a leading apostrophe", payload)
	}
	for _, bad := range []string{"severity=severe", "type=SQL", "source=203.0.113.500"} {
		if s := f.get(t, seed.AdminUser, "/api/admin/security-events?"+bad); s.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, s.Status)
		}
	}
}

func TestCSVExportHasTheListsRowsWithTheSameFilters(t *testing.T) {
	f := newFixture(t)
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	addAuditRows(t, f, 1200, base)
	filter := "actor=user:2&from=" + url.QueryEscape(base.Format(time.RFC3339))
	s := f.get(t, seed.AdminUser, "/api/admin/audit-logs?"+filter, "Accept", "text/csv")
	rows, err := csv.NewReader(bytes.NewReader(s.Body)).ReadAll()
	if err != nil || s.Status != http.StatusOK || s.Statements != 1 {
		t.Fatalf("%d %v (%d statements)", s.Status, err, s.Statements)
	}
	if len(rows) != 601 || strings.Join(rows[0], ",") != strings.Join(auditCSVHeader, ",") || rows[1][2] != "user:2" {
		t.Fatalf("%d rows, header %v, first %v; want the header and 600 rows of user:2", len(rows), rows[0], rows[1])
	}
	if s := f.get(t, seed.AdminUser, "/api/admin/audit-logs?"+filter+"&before_id="+rows[300][0], "Accept", "text/csv"); bytes.Count(s.Body, []byte("\n")) != 301 {
		t.Fatalf("before_id: %d lines, want the header and the 300 older rows", bytes.Count(s.Body, []byte("\n")))
	}
}

// flushRecorder is a response writer that counts the flushes and the bytes sent before each.
type flushRecorder struct {
	header  http.Header
	Status  int
	Body    bytes.Buffer
	flushed []int
}

func (r *flushRecorder) Header() http.Header         { return r.header }
func (r *flushRecorder) WriteHeader(code int)        { r.Status = code }
func (r *flushRecorder) Write(p []byte) (int, error) { return r.Body.Write(p) }
func (r *flushRecorder) Flush()                      { r.flushed = append(r.flushed, r.Body.Len()) }

func TestTheExportIsFlushedAsItIsRead(t *testing.T) {
	f := newFixture(t)
	addAuditRows(t, f, 2*FlushRows+10, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	rec := &flushRecorder{header: http.Header{}}
	req, _ := http.NewRequestWithContext(t.Context(), "GET", "/api/admin/audit-logs?actor=user:1", nil)
	for k, v := range f.DB.As(t, seed.AdminUser) {
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "text/csv")
	f.H.ServeHTTP(rec, req)
	if rec.Status != http.StatusOK || len(rec.flushed) < 2 || rec.flushed[0] == 0 || rec.flushed[0] >= rec.Body.Len() {
		t.Fatalf("status %d, flushes at %v of %d bytes: want the first rows sent before the export ends", rec.Status, rec.flushed, rec.Body.Len())
	}
}
