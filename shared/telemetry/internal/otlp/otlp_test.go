package otlp

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	colmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// capture is a receiver that keeps every request body (decompressed) and answers with answer.
type capture struct {
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	status int
	ctype  string
	answer []byte
	// before, when set, are the statuses of the first requests (with header Retry-After: 0 for 429),
	// status answering those after.
	before []int
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rd io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rd = gz
	}
	b, err := io.ReadAll(rd)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	c.bodies, c.heads = append(c.bodies, b), append(c.heads, r.Header.Clone())
	n := len(c.bodies)
	c.mu.Unlock()
	if n <= len(c.before) {
		w.WriteHeader(c.before[n-1])
		return
	}
	if c.ctype != "" {
		w.Header().Set("Content-Type", c.ctype)
	}
	if c.status != 0 {
		w.WriteHeader(c.status)
	}
	w.Write(c.answer)
}

func (c *capture) only(t *testing.T) []byte {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.bodies) != 1 {
		t.Fatalf("%d requests, want 1", len(c.bodies))
	}
	return c.bodies[0]
}

func server(t *testing.T, c *capture) string {
	t.Helper()
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return srv.URL
}

// every attribute type the SDK has.
var everyType = []attribute.KeyValue{
	attribute.Bool("b", true), attribute.Int64("i", -7), attribute.Float64("f", 1.5), attribute.String("s", "x"),
	attribute.BoolSlice("bs", []bool{true, false}), attribute.Int64Slice("is", []int64{1, 2}),
	attribute.Float64Slice("fs", []float64{0.5}), attribute.StringSlice("ss", []string{"a", "b"}),
}

func spans(t *testing.T) []sdktrace.ReadOnlySpan {
	t.Helper()
	res := resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0", attribute.String("service.name", "octo"))
	tid, _ := trace.TraceIDFromHex("0102030405060708090a0b0c0d0e0f10")
	sid, _ := trace.SpanIDFromHex("0102030405060708")
	pid, _ := trace.SpanIDFromHex("1112131415161718")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	parent := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: pid, Remote: true})
	start := time.Unix(1700000000, 123)
	ts, err := trace.ParseTraceState("octo=1,apm=x")
	if err != nil {
		t.Fatal(err)
	}
	stubs := tracetest.SpanStubs{
		{Name: "GET /api/products/{id}", SpanContext: sc, Parent: parent, SpanKind: trace.SpanKindServer,
			StartTime: start, EndTime: start.Add(time.Millisecond), Attributes: everyType,
			Events:   []sdktrace.Event{{Name: "security", Time: start, Attributes: everyType[:2]}},
			Links:    []sdktrace.Link{{SpanContext: parent, Attributes: everyType[2:3]}},
			Status:   sdktrace.Status{Code: codes.Error, Description: "boom"},
			Resource: res, InstrumentationScope: instrumentation.Scope{Name: "octo", Version: "1"}},
		{Name: "SELECT products", SpanContext: sc, SpanKind: trace.SpanKindClient, StartTime: start,
			EndTime: start.Add(2 * time.Millisecond), Resource: res, InstrumentationScope: instrumentation.Scope{Name: "db"}},
		{Name: "no scope", SpanContext: sc.WithTraceState(ts), Parent: parent.WithRemote(false), StartTime: start,
			EndTime: start, Resource: res, Status: sdktrace.Status{Code: codes.Ok}, DroppedAttributes: 2,
			DroppedEvents: 1, DroppedLinks: 3, ChildSpanCount: 1},
		{Name: "UPDATE carts", SpanContext: sc, SpanKind: trace.SpanKindInternal, StartTime: start,
			EndTime: start.Add(time.Millisecond), Resource: res,
			InstrumentationScope: instrumentation.Scope{Name: "db", SchemaURL: "https://opentelemetry.io/schemas/1.26.0"}},
	}
	return stubs.Snapshots()
}

// The trace requests are byte for byte what otlptracehttp sends for the same spans.
func TestTraceRequestsMatchUpstream(t *testing.T) {
	ctx := context.Background()
	var up, ours capture
	upstream, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(server(t, &up)+"/v1/traces"),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	mine := NewTraceExporter(Target{URL: server(t, &ours) + "/v1/traces", Timeout: 5 * time.Second})
	for _, e := range []sdktrace.SpanExporter{upstream, mine} {
		if err := e.ExportSpans(ctx, spans(t)); err != nil {
			t.Fatal(err)
		}
	}
	want, got := up.only(t), ours.only(t)
	if !bytes.Equal(got, want) {
		t.Errorf("request body differs from otlptracehttp's:\n got %x\nwant %x", got, want)
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(got, &req); err != nil || len(req.ResourceSpans[0].ScopeSpans) != 4 {
		t.Errorf("decoded %v (%v), want the spans' four scopes", &req, err)
	}
}

func resourceMetricsOfEveryKind() *metricdata.ResourceMetrics {
	set := attribute.NewSet(everyType...)
	at := time.Unix(1700000000, 5)
	ex := []metricdata.Exemplar[float64]{{FilteredAttributes: everyType[:1], Time: at, Value: 0.25,
		SpanID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, TraceID: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}}
	exi := []metricdata.Exemplar[int64]{{Time: at, Value: 3}}
	return &metricdata.ResourceMetrics{
		Resource: resource.NewWithAttributes("https://opentelemetry.io/schemas/1.26.0", attribute.String("service.name", "octo")),
		ScopeMetrics: []metricdata.ScopeMetrics{{
			Scope: instrumentation.Scope{Name: "octo", Version: "1", SchemaURL: "s", Attributes: attribute.NewSet(everyType[0])},
			Metrics: []metricdata.Metrics{
				{Name: "requests", Description: "d", Unit: "{request}", Data: metricdata.Sum[int64]{
					Temporality: metricdata.CumulativeTemporality, IsMonotonic: true,
					DataPoints: []metricdata.DataPoint[int64]{{Attributes: set, StartTime: at, Time: at, Value: 4, Exemplars: exi}}}},
				{Name: "revenue", Unit: "{USD}", Data: metricdata.Sum[float64]{Temporality: metricdata.DeltaTemporality,
					DataPoints: []metricdata.DataPoint[float64]{{Time: at, Value: 12.5}}}},
				{Name: "g_int", Data: metricdata.Gauge[int64]{DataPoints: []metricdata.DataPoint[int64]{{Time: at, Value: -1}}}},
				{Name: "g_float", Data: metricdata.Gauge[float64]{DataPoints: []metricdata.DataPoint[float64]{{Time: at, Value: 2, Exemplars: ex}}}},
				{Name: "duration", Unit: "s", Data: metricdata.Histogram[float64]{Temporality: metricdata.CumulativeTemporality,
					DataPoints: []metricdata.HistogramDataPoint[float64]{{Attributes: set, StartTime: at, Time: at, Count: 3,
						Bounds: []float64{0.1, 1}, BucketCounts: []uint64{1, 1, 1}, Min: metricdata.NewExtrema(0.05),
						Max: metricdata.NewExtrema(2.0), Sum: 2.6, Exemplars: ex}}}},
				{Name: "sizes", Data: metricdata.Histogram[int64]{Temporality: metricdata.DeltaTemporality,
					DataPoints: []metricdata.HistogramDataPoint[int64]{{Time: at, Count: 1, Bounds: []float64{10},
						BucketCounts: []uint64{1, 0}, Sum: 4}}}},
				{Name: "exp", Data: metricdata.ExponentialHistogram[float64]{Temporality: metricdata.CumulativeTemporality,
					DataPoints: []metricdata.ExponentialHistogramDataPoint[float64]{{Time: at, Count: 5, Sum: 7, Scale: 2,
						ZeroCount: 1, ZeroThreshold: 0.001, PositiveBucket: metricdata.ExponentialBucket{Offset: -1, Counts: []uint64{1, 2}},
						NegativeBucket: metricdata.ExponentialBucket{Counts: []uint64{1}}, Min: metricdata.NewExtrema(-1.0)}}}},
				{Name: "exp_int", Data: metricdata.ExponentialHistogram[int64]{Temporality: metricdata.DeltaTemporality,
					DataPoints: []metricdata.ExponentialHistogramDataPoint[int64]{{Time: at, Count: 1, Sum: 3, Max: metricdata.NewExtrema[int64](3)}}}},
				{Name: "summary", Data: metricdata.Summary{DataPoints: []metricdata.SummaryDataPoint{{Time: at, Count: 2, Sum: 3,
					QuantileValues: []metricdata.QuantileValue{{Quantile: 0.5, Value: 1}, {Quantile: 1, Value: 2}}}}}},
				{Name: "bad_temporality", Data: metricdata.Sum[int64]{DataPoints: []metricdata.DataPoint[int64]{{Value: 1}}}},
			},
		}},
	}
}

// The metric requests are byte for byte what otlpmetrichttp sends for the same data, every
// aggregation and attribute type included; a metric neither can encode is left out by both, with an
// error.
func TestMetricRequestsMatchUpstream(t *testing.T) {
	ctx := context.Background()
	var up, ours capture
	upstream, err := otlpmetrichttp.New(ctx, otlpmetrichttp.WithEndpointURL(server(t, &up)+"/v1/metrics"),
		otlpmetrichttp.WithRetry(otlpmetrichttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	mine := NewMetricExporter(Target{URL: server(t, &ours) + "/v1/metrics", Timeout: 5 * time.Second}, nil, nil)
	if err := upstream.Export(ctx, resourceMetricsOfEveryKind()); err == nil {
		t.Fatal("upstream exported a metric of no temporality without an error")
	}
	if err := mine.Export(ctx, resourceMetricsOfEveryKind()); err == nil || !strings.Contains(err.Error(), "bad_temporality") {
		t.Errorf("Export = %v, want an error naming the metric of no temporality", err)
	}
	want, got := up.only(t), ours.only(t)
	if !bytes.Equal(got, want) {
		t.Errorf("request body differs from otlpmetrichttp's:\n got %x\nwant %x", got, want)
	}
	var req colmetricpb.ExportMetricsServiceRequest
	if err := proto.Unmarshal(got, &req); err != nil || len(req.ResourceMetrics[0].ScopeMetrics[0].Metrics) != 9 {
		t.Errorf("decoded %v (%v), want nine metrics", &req, err)
	}
	if err := mine.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := mine.Export(ctx, resourceMetricsOfEveryKind()); err == nil {
		t.Error("Export after Shutdown succeeded")
	}
}

func TestAnswersAndCompression(t *testing.T) {
	ctx := context.Background()
	partial, _ := proto.Marshal(&colmetricpb.ExportMetricsServiceResponse{
		PartialSuccess: &colmetricpb.ExportMetricsPartialSuccess{RejectedDataPoints: 3, ErrorMessage: "too old"}})
	emptyPartial, _ := proto.Marshal(&colmetricpb.ExportMetricsServiceResponse{PartialSuccess: &colmetricpb.ExportMetricsPartialSuccess{}})
	tests := []struct {
		name    string
		c       *capture
		gzip    bool
		wantErr string
		partial bool
	}{
		{name: "2xx with no body succeeds", c: &capture{}},
		{name: "2xx with an empty partial success succeeds", c: &capture{ctype: "application/x-protobuf", answer: emptyPartial}},
		{name: "partial success is an error with the count and message", partial: true,
			c: &capture{ctype: "application/x-protobuf", answer: partial}, wantErr: "too old (3 data points rejected)"},
		{name: "an error status carries the answer", c: &capture{status: http.StatusBadRequest, answer: []byte("bad key\n")},
			wantErr: "400 Bad Request (body: bad key)"},
		{name: "an empty error answer says so", c: &capture{status: http.StatusServiceUnavailable}, wantErr: "(body: (empty))"},
		{name: "gzip sends the same body compressed", c: &capture{}, gzip: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewMetricExporter(Target{URL: server(t, tt.c), Timeout: 5 * time.Second, Gzip: tt.gzip,
				Headers: map[string]string{"Authorization": "dataKey K"}, Retry: Retry{Disabled: true}}, nil, nil)
			rm := resourceMetricsOfEveryKind()
			rm.ScopeMetrics[0].Metrics = rm.ScopeMetrics[0].Metrics[:1]
			err := e.Export(ctx, rm)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Export = %v, want %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrPartialSuccess) != tt.partial {
				t.Errorf("errors.Is(%v, ErrPartialSuccess) = %t", err, !tt.partial)
			}
			h := tt.c.heads[0]
			if h.Get("Authorization") != "dataKey K" || h.Get("Content-Type") != "application/x-protobuf" ||
				(h.Get("Content-Encoding") == "gzip") != tt.gzip {
				t.Errorf("headers = %v", h)
			}
			var req colmetricpb.ExportMetricsServiceRequest
			if err := proto.Unmarshal(tt.c.only(t), &req); err != nil || req.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Name != "requests" {
				t.Errorf("body decoded to %v (%v)", &req, err)
			}
		})
	}
}

// An export the receiver refuses as busy (429, 502, 503, 504) is sent again with growing waits, as
// upstream's exporters do; other refusals are not, and the retries stop when MaxElapsed would pass.
func TestBusyReceiversAreRetried(t *testing.T) {
	quick := Retry{Initial: time.Millisecond, Max: 4 * time.Millisecond, MaxElapsed: 2 * time.Second}
	for _, tt := range []struct {
		name     string
		c        *capture
		retry    Retry
		requests int
		wantErr  string
	}{
		{"503 then 502 then 504 then 429, then accepted", &capture{before: []int{503, 502, 504, 429}}, quick, 5, ""},
		{"400 is not retried", &capture{status: http.StatusBadRequest}, quick, 1, "400 Bad Request"},
		{"500 is not retried", &capture{status: http.StatusInternalServerError}, quick, 1, "500 Internal Server Error"},
		{"still busy when MaxElapsed passes", &capture{status: http.StatusServiceUnavailable},
			Retry{Initial: 20 * time.Millisecond, Max: 20 * time.Millisecond, MaxElapsed: 50 * time.Millisecond}, 3, "503"},
		{"disabled", &capture{status: http.StatusServiceUnavailable}, Retry{Disabled: true}, 1, "503"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := NewMetricExporter(Target{URL: server(t, tt.c), Timeout: 5 * time.Second, Retry: tt.retry}, nil, nil)
			rm := resourceMetricsOfEveryKind()
			rm.ScopeMetrics[0].Metrics = rm.ScopeMetrics[0].Metrics[:1]
			err := e.Export(t.Context(), rm)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Export = %v, want %q", err, tt.wantErr)
			}
			tt.c.mu.Lock()
			defer tt.c.mu.Unlock()
			if len(tt.c.bodies) != tt.requests {
				t.Fatalf("%d requests, want %d", len(tt.c.bodies), tt.requests)
			}
			for i, b := range tt.c.bodies {
				if !bytes.Equal(b, tt.c.bodies[0]) {
					t.Fatalf("request %d sent another body", i)
				}
			}
		})
	}
	// A retry never outlives the export's context.
	c := &capture{status: http.StatusServiceUnavailable}
	e := NewMetricExporter(Target{URL: server(t, c), Timeout: 5 * time.Second,
		Retry: Retry{Initial: time.Hour, Max: time.Hour, MaxElapsed: 2 * time.Hour}}, nil, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	rm := resourceMetricsOfEveryKind()
	rm.ScopeMetrics[0].Metrics = rm.ScopeMetrics[0].Metrics[:1]
	if err := e.Export(ctx, rm); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("Export = %v after %s, want the context's deadline", err, time.Since(start))
	}
}
