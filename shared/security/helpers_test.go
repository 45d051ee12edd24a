package security_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// widgets is a function declaration exercising what the Guard sees: a public write, a read that
// reports IDOR, and an admin write that is audited.
var widgets = manifest.Function{Name: "widgets", Routes: []manifest.Route{
	{Method: "POST", Path: "/api/widgets", Scope: manifest.Public, BodyLimit: 2048},
	{Method: "GET", Path: "/api/widgets/{id}", Scope: manifest.Public},
	{Method: "GET", Path: "/api/account/widgets/{id}", Scope: manifest.Customer},
	{Method: "PUT", Path: "/api/admin/widgets/{id}", Scope: manifest.Admin},
}}

// widget is the body of POST /api/widgets, answered back as decoded.
type widget struct {
	Name      string            `json:"name"`
	Address   string            `json:"address"`
	ProductID int64             `json:"product_id"`
	SessionID string            `json:"session_id"`
	Tags      []string          `json:"tags"`
	Meta      map[string]string `json:"meta"`
}

// clock is the Guard's clock, set by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// stack is the widgets function behind the middleware boot gives every function: telemetry, the
// database scope, then the Guard, over a seeded embedded database.
type stack struct {
	h      http.Handler
	db     *dbtest.DB
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	logs   *syncBuffer
	clock  *clock
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newStack(t *testing.T, cfg security.Config, withDB bool) *stack {
	t.Helper()
	s := &stack{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader(), logs: &syncBuffer{},
		clock: &clock{t: time.Date(2026, 3, 1, 10, 0, 5, 0, time.UTC)}}
	log := slog.New(slog.NewJSONHandler(s.logs, nil))
	tel, err := telemetry.Setup(context.Background(), telemetry.Config{ServiceName: "octo-test", FunctionName: "widgets",
		SpanProcessors: []sdktrace.SpanProcessor{s.spans}, MetricReaders: []sdkmetric.Reader{s.reader}}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	var store *sql.DB
	if withDB {
		s.db = dbtest.Open(t, dbtest.Options{Seed: true})
		store = s.db.DB
	}
	cfg.Now = s.clock.now
	g := security.New(cfg, store, tel.Instruments(), log)
	router, err := web.NewRouter(widgets, log, map[string]web.HandlerFunc{
		"POST /api/widgets":             createWidget,
		"GET /api/widgets/{id}":         getWidget,
		"GET /api/account/widgets/{id}": getWidget,
		"PUT /api/admin/widgets/{id}":   updateWidget(store),
	})
	if err != nil {
		t.Fatal(err)
	}
	h := g.Middleware(router)
	s.h = tel.Middleware(h)
	return s
}

func createWidget(w http.ResponseWriter, r *http.Request) error {
	var in widget
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	web.JSON(w, http.StatusCreated, in)
	return nil
}

// getWidget answers 404 for widget "7" (someone else's) and reports the attempt, as the orders
// function does for another customer's order.
func getWidget(w http.ResponseWriter, r *http.Request) error {
	if r.PathValue("id") == "7" {
		security.Report(r.Context(), security.IDOR, security.Event{Payload: "widget 7", ProductID: 3,
			Details: map[string]any{"resource": "widget", "id": "7"}})
		return apperr.E("widgets.Get", apperr.NotFound, "widget not found")
	}
	web.JSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	return nil
}

// updateWidget is an audited admin write: its audit row is written in its transaction, which rolls
// back when the name is "fail".
func updateWidget(store *sql.DB) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in widget
		if err := web.Decode(r, &in); err != nil {
			return err
		}
		err := db.InTx(r.Context(), store, func(ctx context.Context, tx *sql.Tx) error {
			if err := security.Audit(ctx, tx, security.Entry{Action: "widget.update", EntityType: "widget",
				EntityID: r.PathValue("id"), Details: map[string]any{"name": in.Name}}); err != nil {
				return err
			}
			if in.Name == "fail" {
				return apperr.E("widgets.Update", apperr.Conflict, "the widget cannot be renamed so")
			}
			return nil
		})
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// response is one answer of the stack.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) code() string {
	var eb web.ErrorBody
	_ = json.Unmarshal([]byte(r.body), &eb)
	return eb.Error.Code
}

// call sends a request from client address ip.
func (s *stack) call(t *testing.T, method, target, ip, body string, header map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(gateway.RealIPHeader, ip)
	req.Header.Set("User-Agent", "corpus-test/1.0")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// row is a security_events row.
type row struct {
	attackType, severity, endpoint, method, sourceIP, userAgent, payload, session, traceID, details string
	productID                                                                                       *int64
	count                                                                                           int
}

func (s *stack) rows(t *testing.T, ip string) []row {
	t.Helper()
	rs, err := s.db.QueryContext(context.Background(), `SELECT attack_type, severity, endpoint, http_method, source_ip,
    COALESCE(user_agent, ''), COALESCE(payload, ''), product_id, COALESCE(session_id, ''), COALESCE(trace_id, ''), details, event_count
FROM security_events WHERE source_ip = :1 ORDER BY id`, ip)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.attackType, &r.severity, &r.endpoint, &r.method, &r.sourceIP, &r.userAgent, &r.payload,
			&r.productID, &r.session, &r.traceID, &r.details, &r.count); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func (r row) detail(t *testing.T) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(r.details), &d); err != nil {
		t.Fatalf("details %q: %v", r.details, err)
	}
	return d
}
