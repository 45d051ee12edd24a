package boot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// startNames records the name every span had when it started.
type startNames struct {
	sdktrace.SpanProcessor
	mu    sync.Mutex
	names []string
}

func (s *startNames) OnStart(ctx context.Context, sp sdktrace.ReadWriteSpan) {
	s.mu.Lock()
	s.names = append(s.names, sp.Name())
	s.mu.Unlock()
	s.SpanProcessor.OnStart(ctx, sp)
}

// layered is a function served through Env.Handler: one route, the JSON logs and the spans.
type layered struct {
	h     http.Handler
	logs  *bytes.Buffer
	spans *tracetest.SpanRecorder
	start *startNames
}

func newLayered(t *testing.T) layered {
	t.Helper()
	spans := tracetest.NewSpanRecorder()
	start := &startNames{SpanProcessor: spans}
	var logs bytes.Buffer
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": filepath.Join(t.TempDir(), "octo.db")}
	e, err := Open(t.Context(), "probe", env(vars), Options{LogOutput: &logs,
		Telemetry: telemetry.Config{SpanProcessors: []sdktrace.SpanProcessor{start}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	fn := manifest.Function{Name: "probe", Routes: []manifest.Route{{Method: "GET", Path: "/api/widgets/{id}", Scope: manifest.Public}}}
	router, err := web.NewRouter(fn, e.Log, map[string]web.HandlerFunc{
		"GET /api/widgets/{id}": func(w http.ResponseWriter, r *http.Request) error {
			web.JSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return layered{h: e.Handler(router), logs: &logs, spans: spans, start: start}
}

// accessLine is the access log line of the one request served.
func (l layered) accessLine(t *testing.T) map[string]any {
	t.Helper()
	var found map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(l.logs.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
			if found != nil {
				t.Fatalf("two access log lines: %s", l.logs)
			}
			found = m
		}
	}
	if found == nil {
		t.Fatalf("no access log line: %s", l.logs)
	}
	return found
}

// serverSpan is the request's SERVER span.
func (l layered) serverSpan(t *testing.T) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range l.spans.Ended() {
		if s.SpanKind().String() == "server" {
			return s
		}
	}
	t.Fatal("no SERVER span")
	return nil
}

func statusAttr(s sdktrace.ReadOnlySpan) int64 {
	for _, kv := range s.Attributes() {
		if kv.Key == "http.response.status_code" {
			return kv.Value.AsInt64()
		}
	}
	return 0
}

// TestSecurityRejectionCarriesTheOneRequestID: a request security rejects (an attack in the query)
// answers with the request id the outermost layer accepted, the same in the body, the header and the
// access log, and the access log and the span report the one status recorded.
func TestSecurityRejectionCarriesTheOneRequestID(t *testing.T) {
	for _, tc := range []struct {
		name, sent string
		generated  bool
	}{
		{"client_id_is_kept", "client-req-0001", false},
		{"malformed_id_is_replaced_once", "<bad>", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLayered(t)
			r := httptest.NewRequest(http.MethodGet, "/api/widgets/7?q=%27%20OR%201%3D1--", nil)
			r.Header.Set(web.RequestIDHeader, tc.sent)
			rec := httptest.NewRecorder()
			l.h.ServeHTTP(rec, r)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d %s, want security's 400", rec.Code, rec.Body)
			}
			var eb web.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
				t.Fatal(err)
			}
			header, logged := rec.Header().Get(web.RequestIDHeader), l.accessLine(t)
			if header == "" || eb.Error.RequestID != header || logged["request_id"] != header {
				t.Errorf("request id: body %q, header %q, access log %v; want one id", eb.Error.RequestID, header, logged["request_id"])
			}
			if tc.generated == (header == tc.sent) {
				t.Errorf("request id %q for %q sent", header, tc.sent)
			}
			if logged["status"] != float64(http.StatusBadRequest) || statusAttr(l.serverSpan(t)) != http.StatusBadRequest {
				t.Errorf("access log status %v, span %d; want both 400", logged["status"], statusAttr(l.serverSpan(t)))
			}
		})
	}
}

// TestSpanIsNamedOnceFromTheRoute: the SERVER span starts with the route's name (a rename by the
// router would start it under the path), and the access log reports the status the span records.
func TestSpanIsNamedOnceFromTheRoute(t *testing.T) {
	l := newLayered(t)
	rec := httptest.NewRecorder()
	l.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/api/widgets/7", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d %s", rec.Code, rec.Body)
	}
	s := l.serverSpan(t)
	if len(l.start.names) == 0 || l.start.names[0] != "GET /api/widgets/{id}" || s.Name() != "GET /api/widgets/{id}" {
		t.Errorf("span started as %q and ended as %q, want GET /api/widgets/{id} from the start", l.start.names, s.Name())
	}
	if logged := l.accessLine(t); logged["status"] != float64(http.StatusOK) || statusAttr(s) != http.StatusOK {
		t.Errorf("access log status %v, span %d; want 200", logged["status"], statusAttr(s))
	}
}
