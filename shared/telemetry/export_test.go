package telemetry

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// receiver is an OTLP/HTTP collector: it decodes the protobuf export requests it gets.
type receiver struct {
	mu       sync.Mutex
	requests []received
}

type received struct {
	path, auth, apiKey string
	spans              []string // span names
	metrics            []string // metric names
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	got := received{path: r.URL.Path, auth: r.Header.Get("Authorization"), apiKey: r.Header.Get("Api-Key")}
	var resp proto.Message
	switch {
	case strings.HasSuffix(r.URL.Path, "/traces"):
		var req coltracepb.ExportTraceServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rs := range req.GetResourceSpans() {
			for _, ss := range rs.GetScopeSpans() {
				for _, s := range ss.GetSpans() {
					got.spans = append(got.spans, s.GetName())
				}
			}
		}
		resp = &coltracepb.ExportTraceServiceResponse{}
	case strings.HasSuffix(r.URL.Path, "/metrics"):
		var req colmetricpb.ExportMetricsServiceRequest
		if err := proto.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, rm := range req.GetResourceMetrics() {
			for _, sm := range rm.GetScopeMetrics() {
				for _, m := range sm.GetMetrics() {
					got.metrics = append(got.metrics, m.GetName())
				}
			}
		}
		resp = &colmetricpb.ExportMetricsServiceResponse{}
	default:
		http.NotFound(w, r)
		return
	}
	rc.mu.Lock()
	rc.requests = append(rc.requests, got)
	rc.mu.Unlock()
	out, _ := proto.Marshal(resp)
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(out)
}

func (rc *receiver) snapshot() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.requests)
}

// productsHandler is a function's router: one route, one child span per "statement".
func productsHandler(tel *Telemetry) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/products/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, span := tel.Tracer().Start(r.Context(), "SELECT products")
		span.End()
		w.WriteHeader(http.StatusTeapot)
	})
	return mux
}

func TestMiddlewareExportsBeforeTheResponse(t *testing.T) {
	tests := []struct {
		name                    string
		cfg                     func(url string) Config
		env                     func(url string) map[string]string
		tracesPath, metricsPath string
		auth, apiKey            string
	}{
		{
			name: "APM settings send to the private traces path with the data key",
			cfg:  func(url string) Config { return Config{APMEndpoint: url + "/", APMPrivateDataKey: "PRIVKEY123"} },
			env: func(string) map[string]string {
				return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:1"}
			},
			tracesPath:  "/20200101/opentelemetry/private/v1/traces",
			metricsPath: "/20200101/opentelemetry/v1/metrics",
			auth:        "dataKey PRIVKEY123",
		},
		{
			name: "OTEL_EXPORTER_OTLP_ENDPOINT and headers without APM settings",
			cfg:  func(string) Config { return Config{} },
			env: func(url string) map[string]string {
				return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": url, "OTEL_EXPORTER_OTLP_HEADERS": "api-key=k%201"}
			},
			tracesPath:  "/v1/traces",
			metricsPath: "/v1/metrics",
			apiKey:      "k 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &receiver{}
			collector := httptest.NewServer(rc)
			defer collector.Close()
			env := tt.env(collector.URL)
			tel, err := Setup(context.Background(), tt.cfg(collector.URL), func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			function := httptest.NewServer(routed(tel, productsHandler(tel)))
			defer function.Close()

			resp, err := http.Get(function.URL + "/api/products/42")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// No waiting: the spans must have arrived before the response did.
			got := rc.snapshot()

			if resp.StatusCode != http.StatusTeapot {
				t.Errorf("status = %d, want the handler's 418", resp.StatusCode)
			}
			var spans, metrics []string
			for _, req := range got {
				if req.auth != tt.auth || req.apiKey != tt.apiKey {
					t.Errorf("%s: Authorization %q Api-Key %q, want %q %q", req.path, req.auth, req.apiKey, tt.auth, tt.apiKey)
				}
				switch req.path {
				case tt.tracesPath:
					spans = append(spans, req.spans...)
				case tt.metricsPath:
					metrics = append(metrics, req.metrics...)
				default:
					t.Errorf("export to unexpected path %q", req.path)
				}
			}
			slices.Sort(spans)
			if want := []string{"GET /api/products/{id}", "SELECT products"}; !slices.Equal(spans, want) {
				t.Errorf("spans received before the response = %q, want %q", spans, want)
			}
			if !slices.Contains(metrics, MetricHTTPServerDuration) || !slices.Contains(metrics, MetricHTTPServerRequests) {
				t.Errorf("metrics received before the response = %q", metrics)
			}
		})
	}
}

// closedPortURL returns the URL of a loopback port nothing listens on.
func closedPortURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// hangingCollectorURL returns the URL of a collector that accepts requests and never answers.
func hangingCollectorURL(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.URL
}

func TestMiddlewareSurvivesAnUnreachableCollector(t *testing.T) {
	const flush = 300 * time.Millisecond
	// The bound is correctness, not speed: a request may take the handler's time plus one flush
	// timeout, with generous slack for a loaded machine, and never the exporter's default 10 s
	// timeout or its retries (a minute).
	const bound = flush + 2*time.Second
	tests := []struct {
		name string
		url  func(*testing.T) string
	}{
		{name: "closed port answers the request", url: closedPortURL},
		{name: "hanging collector answers within the flush bound", url: hangingCollectorURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			tel, err := Setup(context.Background(), Config{
				APMEndpoint: tt.url(t), APMPrivateDataKey: "k", FlushTimeout: flush,
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			}, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			function := httptest.NewServer(routed(tel, productsHandler(tel)))
			defer function.Close()

			for i := range 2 {
				start := time.Now()
				resp, err := http.Get(function.URL + "/api/products/42")
				elapsed := time.Since(start)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusTeapot {
					t.Errorf("request %d: status = %d, want 418", i, resp.StatusCode)
				}
				if elapsed > bound {
					t.Errorf("request %d took %s, want under %s", i, elapsed, bound)
				}
			}
			if n := strings.Count(logs.String(), "telemetry export failing"); n != 1 {
				t.Errorf("export failure logged %d times over two requests, want once:\n%s", n, logs.String())
			}
		})
	}
}
