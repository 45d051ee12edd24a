package pageview

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{})
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

type response struct {
	status int
	body   string
	stmts  int
}

// send posts body with the headers under ctx and reports the answer and the statements it ran.
func (f fixture) send(ctx context.Context, body string, headers map[string]string) response {
	req := httptest.NewRequestWithContext(ctx, "POST", "/api/page-views", strings.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	ctx = db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req.WithContext(ctx))
	return response{status: rec.Code, body: rec.Body.String(), stmts: db.StatsFrom(ctx).Statements}
}

func (f fixture) count(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM page_views`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// stored is a page_views row.
type stored struct {
	page                                                   string
	session, region, referrer, userAgent, visitorIP, trace sql.NullString
	loadTime                                               sql.NullInt64
}

func (f fixture) last(t *testing.T) stored {
	t.Helper()
	var s stored
	err := f.db.QueryRowContext(context.Background(), `SELECT page, session_id, load_time_ms, region, referrer, user_agent, visitor_ip, trace_id
FROM page_views ORDER BY id DESC FETCH FIRST 1 ROWS ONLY`).
		Scan(&s.page, &s.session, &s.loadTime, &s.region, &s.referrer, &s.userAgent, &s.visitorIP, &s.trace)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSendBeaconPageViewIsStoredWithOneInsert(t *testing.T) {
	f := newFixture(t)
	ctx, span := f.db.TracerProvider.Tracer("test").Start(context.Background(), "beacon")
	defer span.End()
	body := `{"page":"/products/12?ref=home#reviews","session_id":"s-123","load_time_ms":842,` +
		`"referrer":"https://example.com/search?q=drone -- 5\" props","region":"us-east"}`
	r := f.send(ctx, body, map[string]string{
		"Content-Type":          "text/plain;charset=UTF-8", // what navigator.sendBeacon sends for a string
		"User-Agent":            "Mozilla/5.0 (X11; Linux x86_64) OctoTest/1.0",
		gateway.RealIPHeader:    "203.0.113.9",
		"X-Forwarded-For":       "10.0.0.1",
		gateway.PrincipalHeader: "user:1",
	})
	if r.status != http.StatusNoContent || r.body != "" || r.stmts != 1 {
		t.Fatalf("= %d %q, %d statements; want 204, no body, 1 statement", r.status, r.body, r.stmts)
	}
	got := f.last(t)
	want := stored{page: "/products/12?ref=home#reviews",
		session: valid("s-123"), loadTime: sql.NullInt64{Int64: 842, Valid: true}, region: valid("us-east"),
		referrer: valid(`https://example.com/search?q=drone -- 5" props`), userAgent: valid("Mozilla/5.0 (X11; Linux x86_64) OctoTest/1.0"),
		visitorIP: valid("203.0.113.9"), trace: valid(span.SpanContext().TraceID().String())}
	if got != want {
		t.Fatalf("stored\n %+v\nwant\n %+v", got, want)
	}
	var customer sql.NullInt64
	if err := f.db.QueryRowContext(context.Background(), `SELECT MAX(customer_id) FROM page_views`).Scan(&customer); err != nil || customer.Valid {
		t.Fatalf("customer_id %v (%v), want NULL: a public beacon knows no customer", customer, err)
	}

	r = f.send(context.Background(), `{"page":"/","session_id":"","region":""}`, map[string]string{"Content-Type": "application/json"})
	if r.status != http.StatusNoContent {
		t.Fatalf("JSON beacon = %d %s", r.status, r.body)
	}
	// Asked in SQL: a NULL string scans as a Valid "" through package db, as through godror.
	if n := f.db.Int(t, `SELECT COUNT(*) FROM page_views WHERE id = (SELECT MAX(id) FROM page_views)
    AND session_id IS NULL AND region IS NULL AND load_time_ms IS NULL AND user_agent IS NULL`); n != 1 {
		t.Fatalf("empty optional values not stored as NULL: %+v", f.last(t))
	}
}

func valid(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }

func TestValuesAreCutToTheColumnsOnACharacterBoundary(t *testing.T) {
	f := newFixture(t)
	page := "/" + strings.Repeat("a", 498) + "é" + strings.Repeat("b", 100) // é straddles byte 500
	region := strings.Repeat("地", 30)                                       // 90 bytes for a 64-byte column
	body, err := json.Marshal(map[string]any{"page": page, "region": region, "session_id": strings.Repeat("s", 200),
		"referrer": strings.Repeat("r", 1200)})
	if err != nil {
		t.Fatal(err)
	}
	ua := strings.Repeat("U", 499) + "\xff\xfe tail"
	if r := f.send(context.Background(), string(body), map[string]string{"Content-Type": "text/plain", "User-Agent": ua}); r.status != http.StatusNoContent {
		t.Fatalf("= %d %s", r.status, r.body)
	}
	got := f.last(t)
	for _, c := range []struct {
		name, value, original string
		size                  int
	}{
		{"page", got.page, page, 499},
		{"region", got.region.String, region, 63},
		{"session_id", got.session.String, strings.Repeat("s", 200), 128},
		{"referrer", got.referrer.String, strings.Repeat("r", 1200), 1000},
		{"user_agent", got.userAgent.String, strings.ToValidUTF8(ua, "\uFFFD"), 499},
	} {
		t.Run(c.name+"_is_cut", func(t *testing.T) {
			if len(c.value) != c.size || !utf8.ValidString(c.value) || !strings.HasPrefix(c.original, c.value) {
				t.Fatalf("stored %d bytes (valid UTF-8 %t), want the %d-byte prefix", len(c.value), utf8.ValidString(c.value), c.size)
			}
		})
	}
}

func TestBadBeaconsAre4xxAndStoreNothing(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name, body, contentType string
		status                  int
		code                    string
	}{
		{"missing_page_is_400", `{"load_time_ms":10}`, "text/plain", 400, "invalid_request"},
		{"blank_page_is_400", `{"page":"  "}`, "text/plain", 400, "invalid_request"},
		{"negative_load_time_is_400", `{"page":"/","load_time_ms":-1}`, "text/plain", 400, "invalid_request"},
		{"load_time_over_60000_is_400", `{"page":"/","load_time_ms":60001}`, "text/plain", 400, "invalid_request"},
		{"load_time_as_string_is_400", `{"page":"/","load_time_ms":"100"}`, "text/plain", 400, "invalid_request"},
		{"unknown_field_is_400", `{"page":"/","visitor_ip":"1.2.3.4"}`, "application/json", 400, "invalid_request"},
		{"not_json_is_400", `page=/`, "text/plain", 400, "invalid_request"},
		{"empty_body_is_400", ``, "text/plain", 400, "invalid_request"},
		{"form_encoding_is_415", `{"page":"/"}`, "application/x-www-form-urlencoded", 415, "unsupported_media_type"},
		{"body_over_4096_is_413", `{"page":"/` + strings.Repeat("x", 4100) + `"}`, "text/plain", 413, "payload_too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.send(context.Background(), tc.body, map[string]string{"Content-Type": tc.contentType})
			var e web.ErrorBody
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || r.status != tc.status || e.Error.Code != tc.code {
				t.Fatalf("= %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if n := f.count(t); n != 0 {
				t.Fatalf("%d page views stored", n)
			}
		})
	}
	for _, lt := range []string{"0", "60000"} {
		t.Run("load_time_"+lt+"_is_accepted", func(t *testing.T) {
			before := f.count(t)
			if r := f.send(context.Background(), `{"page":"/","load_time_ms":`+lt+`}`, map[string]string{"Content-Type": "text/plain"}); r.status != http.StatusNoContent {
				t.Fatalf("= %d %s", r.status, r.body)
			}
			if f.count(t) != before+1 {
				t.Fatal("not stored")
			}
		})
	}
}
