package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// recorded sets up telemetry that exports nothing and records spans and metrics in memory.
func recorded(t *testing.T, env map[string]string, cfg Config) (*Telemetry, *tracetest.SpanRecorder, *sdkmetric.ManualReader) {
	t.Helper()
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	cfg.SpanProcessors = append(cfg.SpanProcessors, spans)
	cfg.MetricReaders = append(cfg.MetricReaders, reader)
	tel, err := Setup(context.Background(), cfg, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tel.Shutdown(context.Background()) })
	return tel, spans, reader
}

func serverSpan(t *testing.T, rec *tracetest.SpanRecorder) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range rec.Ended() {
		if s.SpanKind() == trace.SpanKindServer {
			return s
		}
	}
	t.Fatalf("no SERVER span among %d ended spans", len(rec.Ended()))
	return nil
}

func TestMiddlewareContinuesTheIncomingTrace(t *testing.T) {
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	tests := []struct {
		name    string
		headers map[string]string
		want    bool // continues traceID/parentID
	}{
		{name: "W3C traceparent continued", headers: map[string]string{"traceparent": "00-" + traceID + "-" + parentID + "-01"}, want: true},
		{name: "B3 multiple headers from OCI Functions continued", headers: map[string]string{
			"X-B3-TraceId": traceID, "X-B3-SpanId": parentID, "X-B3-Sampled": "1"}, want: true},
		{name: "B3 single header continued", headers: map[string]string{"b3": traceID + "-" + parentID + "-1"}, want: true},
		{name: "no headers starts a new trace", headers: nil, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel, rec, _ := recorded(t, nil, Config{})
			req := httptest.NewRequest(http.MethodGet, "/api/products/1", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			tel.Middleware(http.NotFoundHandler()).ServeHTTP(httptest.NewRecorder(), req)

			s := serverSpan(t, rec)
			continued := s.SpanContext().TraceID().String() == traceID && s.Parent().SpanID().String() == parentID && s.Parent().IsRemote()
			if continued != tt.want {
				t.Errorf("trace %s parent %s: continued = %t, want %t", s.SpanContext().TraceID(), s.Parent().SpanID(), continued, tt.want)
			}
			if !tt.want && s.Parent().IsValid() {
				t.Errorf("span has parent %s without incoming headers", s.Parent().SpanID())
			}
		})
	}
}

func TestMiddlewareNamesSpansByRoute(t *testing.T) {
	tests := []struct {
		name      string
		handler   func(tel *Telemetry, seen *string) http.Handler
		path      string
		wantName  string
		wantRoute string // "" = no http.route
	}{
		{name: "route resolved before the middleware: named from the start", path: "/api/products/7",
			handler: func(tel *Telemetry, seen *string) http.Handler {
				mux := http.NewServeMux()
				mux.HandleFunc("GET /api/products/{id}", func(_ http.ResponseWriter, r *http.Request) {
					*seen = trace.SpanFromContext(r.Context()).(sdktrace.ReadOnlySpan).Name()
				})
				traced := tel.Middleware(mux)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { // what web.WithRoute does
					_, r.Pattern = mux.Handler(r)
					traced.ServeHTTP(w, r)
				})
			}, wantName: "GET /api/products/{id}", wantRoute: "/api/products/{id}"},
		{name: "handler wrapped inside the mux: named from the start", path: "/api/products/7",
			handler: func(tel *Telemetry, seen *string) http.Handler {
				mux := http.NewServeMux()
				mux.Handle("GET /api/products/{id}", tel.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					*seen = trace.SpanFromContext(r.Context()).(sdktrace.ReadOnlySpan).Name()
				})))
				return mux
			}, wantName: "GET /api/products/{id}", wantRoute: "/api/products/{id}"},
		{name: "mux wrapped without resolving the route: named by path, never renamed", path: "/api/products/7",
			handler: func(tel *Telemetry, _ *string) http.Handler {
				mux := http.NewServeMux()
				mux.HandleFunc("GET /api/products/{id}", func(http.ResponseWriter, *http.Request) {})
				return tel.Middleware(mux)
			}, wantName: "GET /api/products/7"},
		{name: "unrouted request named by path without a route attribute", path: "/nowhere",
			handler: func(tel *Telemetry, _ *string) http.Handler {
				return tel.Middleware(http.NewServeMux())
			}, wantName: "GET /nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel, rec, reader := recorded(t, nil, Config{})
			var seen string
			tt.handler(tel, &seen).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tt.path, nil))

			s := serverSpan(t, rec)
			if s.Name() != tt.wantName {
				t.Errorf("span name = %q, want %q", s.Name(), tt.wantName)
			}
			if seen != "" && seen != tt.wantName {
				t.Errorf("span name inside the handler = %q, want %q", seen, tt.wantName)
			}
			if route := attrOf(s.Attributes(), "http.route"); route != tt.wantRoute {
				t.Errorf("span http.route = %q, want %q", route, tt.wantRoute)
			}
			point := onlyPoint(t, collect(t, reader), MetricHTTPServerRequests)
			if route, _ := point.Value("http.route"); route.AsString() != tt.wantRoute {
				t.Errorf("metric http.route = %q, want %q", route.AsString(), tt.wantRoute)
			}
		})
	}
}

func TestMiddlewareRecordsStatus(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int64
		wantError  bool
	}{
		{name: "2xx is not an error", handler: func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }, wantStatus: 200},
		{name: "4xx is not a server error", handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(404) }, wantStatus: 404},
		{name: "5xx marks the span as an error", handler: func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, wantStatus: 503, wantError: true},
		{name: "panic is recorded as 500 and propagates", handler: func(http.ResponseWriter, *http.Request) { panic("boom") }, wantStatus: 500, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel, rec, reader := recorded(t, nil, Config{})
			func() {
				defer func() {
					if p := recover(); (p != nil) != (tt.wantStatus == 500) {
						t.Errorf("recovered %v", p)
					}
				}()
				tel.Middleware(tt.handler).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
			}()
			s := serverSpan(t, rec)
			if got := attrOf(s.Attributes(), "http.response.status_code"); got != attribute.Int64Value(tt.wantStatus).String() {
				t.Errorf("span status code = %s, want %d", got, tt.wantStatus)
			}
			if (s.Status().Code == codes.Error) != tt.wantError {
				t.Errorf("span status = %v, want error %t", s.Status(), tt.wantError)
			}
			point := onlyPoint(t, collect(t, reader), MetricHTTPServerDuration)
			if code, _ := point.Value("http.response.status_code"); code.AsInt64() != tt.wantStatus {
				t.Errorf("metric status code = %d, want %d", code.AsInt64(), tt.wantStatus)
			}
		})
	}
}

func attrOf(attrs []attribute.KeyValue, key attribute.Key) string {
	for _, kv := range attrs {
		if kv.Key == key {
			return kv.Value.String()
		}
	}
	return ""
}

func collect(t *testing.T, reader *sdkmetric.ManualReader) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// onlyPoint returns the attribute set of the single data point of the named metric.
func onlyPoint(t *testing.T, rm metricdata.ResourceMetrics, name string) attribute.Set {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				if len(d.DataPoints) == 1 {
					return d.DataPoints[0].Attributes
				}
			case metricdata.Histogram[float64]:
				if len(d.DataPoints) == 1 {
					return d.DataPoints[0].Attributes
				}
			}
			t.Fatalf("%s: want exactly one data point, got %+v", name, m.Data)
		}
	}
	t.Fatalf("metric %s not recorded", name)
	return attribute.Set{}
}

// names records the name every span had when it started.
type names struct {
	sdktrace.SpanProcessor
	started []string
}

func (n *names) OnStart(_ context.Context, s sdktrace.ReadWriteSpan) {
	n.started = append(n.started, s.Name())
}

// TestSpanIsNamedOnceFromTheRoute: the SERVER span starts with its final name (a rename would show
// as a start name that differs from the end name).
func TestSpanIsNamedOnceFromTheRoute(t *testing.T) {
	n := &names{SpanProcessor: tracetest.NewSpanRecorder()}
	tel, rec, _ := recorded(t, nil, Config{SpanProcessors: []sdktrace.SpanProcessor{n}})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/products/{id}", func(http.ResponseWriter, *http.Request) {})
	traced := tel.Middleware(mux)
	r := httptest.NewRequest(http.MethodGet, "/api/products/7", nil)
	_, r.Pattern = mux.Handler(r)
	traced.ServeHTTP(httptest.NewRecorder(), r)
	if s := serverSpan(t, rec); len(n.started) != 1 || n.started[0] != s.Name() || s.Name() != "GET /api/products/{id}" {
		t.Errorf("started as %q, ended as %q; want one name, GET /api/products/{id}", n.started, s.Name())
	}
}

// TestStatusIsReadFromTheOneRecorder: middleware inside Middleware reads the status Middleware
// records (the first one written; 200 when nothing was), through any writer that unwraps to it.
func TestStatusIsReadFromTheOneRecorder(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(http.ResponseWriter)
		want  int
	}{
		{"nothing_written_is_200", func(http.ResponseWriter) {}, 200},
		{"first_status_wins", func(w http.ResponseWriter) { w.WriteHeader(409); w.WriteHeader(500) }, 409},
		{"body_without_status_is_200", func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tel, rec, _ := recorded(t, nil, Config{})
			var got int
			var ok bool
			tel.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				wrapped := unwrapper{w}
				tc.write(wrapped)
				got, ok = Status(wrapped)
			})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
			span := attrOf(serverSpan(t, rec).Attributes(), "http.response.status_code")
			if !ok || got != tc.want || span != attribute.Int64Value(int64(tc.want)).String() {
				t.Errorf("Status = %d, %t; span %s; want %d in both", got, ok, span, tc.want)
			}
		})
	}
	if _, ok := Status(httptest.NewRecorder()); ok {
		t.Error("Status outside Middleware reported a status")
	}
}

// unwrapper is a middleware's response writer that unwraps to the one it wraps.
type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// routed is tel's Middleware over mux with the route resolved first, as web.WithRoute does.
func routed(tel *Telemetry, mux *http.ServeMux) http.Handler {
	traced := tel.Middleware(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, r.Pattern = mux.Handler(r)
		traced.ServeHTTP(w, r)
	})
}
