package analyticsrollup

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
)

type readFixture struct {
	d *dbtest.DB
	c *clock
	h http.Handler
}

func newReadFixture(t *testing.T) readFixture {
	t.Helper()
	d := activity(t)
	c := &clock{t: genNow.Add(time.Hour)}
	rollup(t, d, c, Options{})
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return readFixture{d: d, c: c, h: h}
}

// get sends a staff GET and returns the status, the body and the statements the request ran.
func (f readFixture) get(t *testing.T, target string) (int, []byte, int) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	req.Header.Set(gateway.PrincipalHeader, "user:1")
	req.Header.Set(gateway.ScopesHeader, "customer staff analytics")
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	return rec.Code, rec.Body.Bytes(), db.StatsFrom(ctx).Statements
}

func (f readFixture) report(t *testing.T, target string) Report {
	t.Helper()
	code, body, n := f.get(t, target)
	if code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, code, body)
	}
	if n > 3 {
		t.Fatalf("%s ran %d statements; at most 3 (state, rollups, live facts)", target, n)
	}
	var rep Report
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestReportsAddUpToTheBaseTablesWithTheCurrentBucketLive(t *testing.T) {
	f := newReadFixture(t)
	from, to := dayOf(genNow).Add(-3*24*time.Hour), dayOf(genNow).Add(24*time.Hour)
	q := "?granularity=day&from=" + from.Format(time.DateOnly) + "&to=" + url.QueryEscape(to.Format(time.RFC3339))
	rep := f.report(t, "/api/analytics/sales"+q)
	if len(rep.Buckets) != 4 {
		t.Fatalf("%d buckets, want 4", len(rep.Buckets))
	}
	var orders float64
	for i, b := range rep.Buckets {
		if live := i == 3; b.Live != live {
			t.Fatalf("bucket %s live=%v, want %v", b.Start, b.Live, live)
		}
		orders += b.Metrics["orders"][all]
		if _, ok := b.Metrics["funnel.sessions"]; ok {
			t.Fatal("the sales report carries another family's metric")
		}
	}
	if want := f.d.Int(t, `SELECT COUNT(*) FROM orders WHERE created_at >= :1 AND created_at < :2`, from, to); int64(orders) != want {
		t.Fatalf("orders over the report %v, base tables %d", orders, want)
	}
	// An order placed now shows in the current hour at once.
	hour := "?granularity=hour&from=" + url.QueryEscape(f.c.now().Add(-3*time.Hour).Format(time.RFC3339))
	before := f.report(t, "/api/analytics/overview"+hour)
	f.d.Exec(t, `INSERT INTO orders (customer_id, total, status, region, created_at, updated_at) VALUES (1, 10, 'paid', 'us-west', :1, :2)`, f.c.now(), f.c.now())
	after := f.report(t, "/api/analytics/overview"+hour)
	last := len(after.Buckets) - 1
	if !after.Buckets[last].Live || after.Buckets[last].Metrics["sales.orders"][all] != before.Buckets[last].Metrics["sales.orders"][all]+1 {
		t.Fatalf("current hour: %+v, before %+v", after.Buckets[last], before.Buckets[last])
	}
	if after.Buckets[0].Live {
		t.Fatal("a rolled-up hour was computed live")
	}
}

func TestEveryReportAnswersItsFamily(t *testing.T) {
	f := newReadFixture(t)
	for name, family := range map[string]string{"overview": "sales.orders", "sales": "revenue_by_region", "products": "units",
		"funnel": "cart_sessions", "page-load": "p95_ms_by_region", "leads": "by_status", "security": "by_type"} {
		t.Run(name, func(t *testing.T) {
			rep := f.report(t, "/api/analytics/"+name+"?from="+dayOf(genNow).Add(-2*24*time.Hour).Format(time.DateOnly))
			seen := false
			for _, b := range rep.Buckets {
				_, ok := b.Metrics[family]
				seen = seen || ok
			}
			if !seen {
				t.Fatalf("no %s in %+v", family, rep.Buckets)
			}
		})
	}
}

func TestBadParametersAreRefusedWithJSON(t *testing.T) {
	f := newReadFixture(t)
	for name, q := range map[string]string{
		"unknown granularity": "granularity=week",
		"bad time":            "from=yesterday",
		"unknown parameter":   "since=2026-03-01",
		"repeated parameter":  "granularity=day&granularity=hour",
		"empty range":         "from=2026-03-09&to=2026-03-09",
		"reversed range":      "from=2026-03-09&to=2026-03-01",
		"too many hours":      "granularity=hour&from=2026-01-01&to=2026-03-01",
		"too many days":       "from=2024-01-01&to=2026-03-01",
	} {
		t.Run(name, func(t *testing.T) {
			code, body, _ := f.get(t, "/api/analytics/sales?"+q)
			if code != http.StatusBadRequest || !strings.Contains(string(body), `"invalid_request"`) {
				t.Fatalf("%d %s", code, body)
			}
		})
	}
}

func TestReportsNeedTheAnalyticsPermission(t *testing.T) {
	f := newReadFixture(t)
	for _, scopes := range []string{"customer", "customer staff", "customer staff crm.support crm.orders.read"} {
		req := httptest.NewRequest("GET", "/api/analytics/overview", nil)
		req.Header.Set(gateway.PrincipalHeader, "user:1")
		req.Header.Set(gateway.ScopesHeader, scopes)
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("scopes %q got %d, want 403", scopes, rec.Code)
		}
	}
}

func TestTheScheduledInvocationRollsUp(t *testing.T) {
	f := newReadFixture(t)
	f.d.Exec(t, `DELETE FROM analytics_rollups`)
	f.d.Exec(t, `UPDATE analytics_rollup_state SET complete_through = NULL`)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest("POST", "/_invoke", strings.NewReader(`{"rollup":"hourly"}`)))
	var res Result
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil || !res.CaughtUp || res.Rows == 0 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if n := f.d.Int(t, `SELECT COUNT(*) FROM analytics_rollups`); n != res.Rows {
		t.Fatalf("%d rows stored, %d reported", n, res.Rows)
	}
}
