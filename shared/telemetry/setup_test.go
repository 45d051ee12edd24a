package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

func TestResourceDescribesTheFunction(t *testing.T) {
	ociEnv := map[string]string{
		"FN_FN_NAME": "catalog", "FN_FN_ID": "ocid1.fnfunc.oc1.iad.aaa", "FN_APP_NAME": "octo", "FN_MEMORY": "256",
		"OCI_RESOURCE_PRINCIPAL_REGION": "us-ashburn-1", "HOSTNAME": "fn-container-1",
		"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=prod,service.name=from-attributes",
	}
	with := func(extra map[string]string) map[string]string {
		env := maps.Clone(ociEnv)
		maps.Copy(env, extra)
		return env
	}
	tests := []struct {
		name string
		env  map[string]string
		cfg  Config
		want map[attribute.Key]string
	}{
		{name: "OCI Functions environment detected", env: with(nil), want: map[attribute.Key]string{
			"service.name": "from-attributes", "faas.name": "catalog", "cloud.provider": "oci", "cloud.region": "us-ashburn-1",
			"cloud.resource_id": "ocid1.fnfunc.oc1.iad.aaa", "service.namespace": "octo", "faas.instance": "fn-container-1",
			"faas.max_memory": "268435456", "deployment.environment.name": "prod"}},
		{name: "OTEL_SERVICE_NAME beats OTEL_RESOURCE_ATTRIBUTES", env: with(map[string]string{"OTEL_SERVICE_NAME": "from-env"}),
			want: map[attribute.Key]string{"service.name": "from-env"}},
		{name: "explicit config beats the environment",
			env: with(map[string]string{"OTEL_SERVICE_NAME": "from-env"}),
			cfg: Config{ServiceName: "octo-drone-shop", FunctionName: "catalog-fn", FunctionVersion: "1.2.3", Region: "eu-frankfurt-1"},
			want: map[attribute.Key]string{"service.name": "octo-drone-shop", "faas.name": "catalog-fn", "faas.version": "1.2.3",
				"service.version": "1.2.3", "cloud.region": "eu-frankfurt-1"}},
		{name: "default service name without any setting", env: map[string]string{},
			want: map[attribute.Key]string{"service.name": DefaultServiceName, "cloud.provider": "oci"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel, rec, _ := recorded(t, tt.env, tt.cfg)
			_, span := tel.Tracer().Start(context.Background(), "op")
			span.End()
			res := rec.Ended()[0].Resource()
			for k, want := range tt.want {
				if got, _ := res.Set().Value(k); got.String() != want {
					t.Errorf("%s = %q, want %q", k, got.String(), want)
				}
			}
			if tel.ServiceName() != tt.want["service.name"] {
				t.Errorf("ServiceName() = %q, want %q", tel.ServiceName(), tt.want["service.name"])
			}
		})
	}
}

func TestSamplerFromEnvironment(t *testing.T) {
	tests := []struct {
		name        string
		env         map[string]string
		wantSampled bool
		wantErr     string
	}{
		{name: "default samples everything", env: nil, wantSampled: true},
		{name: "always_off samples nothing", env: map[string]string{"OTEL_TRACES_SAMPLER": "always_off"}},
		{name: "parentbased_traceidratio 0 samples nothing", env: map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"}},
		{name: "traceidratio 1 samples everything", env: map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1"}, wantSampled: true},
		{name: "unknown sampler fails setup", env: map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, wantErr: "OTEL_TRACES_SAMPLER"},
		{name: "ratio out of range fails setup", env: map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "2"}, wantErr: "OTEL_TRACES_SAMPLER_ARG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tel, err := Setup(context.Background(), Config{}, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Setup err = %v, want mention of %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer tel.Shutdown(context.Background())
			for range 20 {
				_, span := tel.Tracer().Start(context.Background(), "op")
				span.End()
				if span.SpanContext().IsSampled() != tt.wantSampled {
					t.Fatalf("sampled = %t, want %t", span.SpanContext().IsSampled(), tt.wantSampled)
				}
			}
		})
	}
}

func TestResolveTargetPrecedence(t *testing.T) {
	apm := Config{APMEndpoint: "https://x.apm-agt.us-ashburn-1.oci.oraclecloud.com", APMPrivateDataKey: "KEY"}
	tests := []struct {
		name        string
		cfg         Config
		env         map[string]string
		s           signal
		wantURL     string
		wantHeaders map[string]string
		wantTimeout time.Duration
		wantGzip    bool
		wantErr     string
	}{
		{name: "APM beats OTEL endpoint and its auth header", cfg: apm, s: tracesSignal,
			env:         map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_HEADERS": "Authorization=x,team=octo"},
			wantURL:     "https://x.apm-agt.us-ashburn-1.oci.oraclecloud.com/20200101/opentelemetry/private/v1/traces",
			wantHeaders: map[string]string{"Authorization": "dataKey KEY", "team": "octo"}, wantTimeout: 2 * time.Second},
		{name: "APM metrics path", cfg: apm, s: metricsSignal,
			wantURL:     "https://x.apm-agt.us-ashburn-1.oci.oraclecloud.com/20200101/opentelemetry/v1/metrics",
			wantHeaders: map[string]string{"Authorization": "dataKey KEY"}, wantTimeout: 2 * time.Second},
		{name: "signal endpoint used as is and signal headers override", s: tracesSignal,
			env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:4318/custom",
				"OTEL_EXPORTER_OTLP_HEADERS": "a=1,b=2", "OTEL_EXPORTER_OTLP_TRACES_HEADERS": "b=3", "OTEL_EXPORTER_OTLP_TIMEOUT": "500"},
			wantURL: "http://traces:4318/custom", wantHeaders: map[string]string{"a": "1", "b": "3"}, wantTimeout: 500 * time.Millisecond},
		{name: "export timeout capped at the flush timeout", s: metricsSignal,
			env:     map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318/", "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT": "10000"},
			wantURL: "http://generic:4318/v1/metrics", wantHeaders: map[string]string{}, wantTimeout: 2 * time.Second},
		{name: "signal compression beats the generic one", s: tracesSignal,
			env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", "OTEL_EXPORTER_OTLP_COMPRESSION": "none",
				"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": "gzip"},
			wantURL: "http://generic:4318/v1/traces", wantHeaders: map[string]string{}, wantTimeout: 2 * time.Second, wantGzip: true},
		{name: "unknown compression fails", s: metricsSignal,
			env:     map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://generic:4318", "OTEL_EXPORTER_OTLP_COMPRESSION": "zstd"},
			wantErr: "OTEL_EXPORTER_OTLP_COMPRESSION"},
		{name: "unreadable certificate fails", s: metricsSignal,
			env:     map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://generic:4318", "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE": "/nonexistent/ca.pem"},
			wantErr: "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE"},
		{name: "client certificate without its key fails", s: tracesSignal,
			env:     map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://generic:4318", "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/c.pem"},
			wantErr: "needs both"},
		{name: "nothing configured exports nothing", s: tracesSignal},
		{name: "exporter none switches APM off", cfg: apm, s: tracesSignal, env: map[string]string{"OTEL_TRACES_EXPORTER": "none"}},
		{name: "malformed endpoint fails", s: tracesSignal, env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, wantErr: "not an http(s) URL"},
		{name: "malformed headers fail", s: tracesSignal, env: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "novalue"}, wantErr: "OTEL_EXPORTER_OTLP_HEADERS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveTarget(tt.cfg, tt.s, func(k string) string { return tt.env[k] }, 2*time.Second)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.URL != tt.wantURL || !maps.Equal(got.Headers, tt.wantHeaders) || got.Timeout != tt.wantTimeout || got.Gzip != tt.wantGzip {
				t.Errorf("target = %+v, want url %q headers %v timeout %s gzip %t", got, tt.wantURL, tt.wantHeaders, tt.wantTimeout, tt.wantGzip)
			}
		})
	}
}

func TestSetupRejectsAPMEndpointWithoutKey(t *testing.T) {
	_, err := Setup(context.Background(), Config{APMEndpoint: "https://x"}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "private data key") {
		t.Errorf("Setup = %v, want a missing data key error", err)
	}
}

func TestLogHandlerAddsTraceIDs(t *testing.T) {
	tel, _, _ := recorded(t, nil, Config{})
	ctx, span := tel.Tracer().Start(context.Background(), "op")
	defer span.End()
	tests := []struct {
		name      string
		ctx       context.Context
		wantTrace string
		wantSpan  string
	}{
		{name: "record in a span carries its ids", ctx: ctx, wantTrace: span.SpanContext().TraceID().String(), wantSpan: span.SpanContext().SpanID().String()},
		{name: "record outside a span has none", ctx: context.Background()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("fn", "catalog")
			logger.InfoContext(tt.ctx, "served", "status", 200)
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("not JSON: %q", buf.String())
			}
			if line["trace_id"] != nilIfEmpty(tt.wantTrace) || line["span_id"] != nilIfEmpty(tt.wantSpan) {
				t.Errorf("trace_id %v span_id %v, want %q %q", line["trace_id"], line["span_id"], tt.wantTrace, tt.wantSpan)
			}
			if line["fn"] != "catalog" || line["msg"] != "served" {
				t.Errorf("inner handler's attributes lost: %v", line)
			}
		})
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestInstrumentsRecordBusinessMetrics(t *testing.T) {
	tel, _, reader := recorded(t, nil, Config{})
	ctx := context.Background()
	in := tel.Instruments()
	in.RecordOrder(ctx, 120.50)
	in.RecordOrder(ctx, 79.50)
	in.RecordCartAddition(ctx, 3)
	in.RecordSecurityEvent(ctx, "sqli")
	in.RecordSecurityEvent(ctx, "sqli")
	in.RecordSecurityEvent(ctx, "xss")
	in.RecordDBOperation(ctx, 12*time.Millisecond, attribute.String("db.operation.name", "SELECT"))

	rm := collect(t, reader)
	sums := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					key := m.Name
					if v, ok := p.Attributes.Value(SecurityEventTypeKey); ok {
						key += "/" + v.AsString()
					}
					sums[key] += float64(p.Value)
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					sums[m.Name] += p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					sums[m.Name+"/count"] += float64(p.Count)
					sums[m.Name+"/sum"] += p.Sum
				}
			}
		}
	}
	want := map[string]float64{
		MetricCheckoutOrders: 2, MetricCheckoutRevenue: 200, MetricCartAdditions: 3,
		MetricSecurityEvents + "/sqli": 2, MetricSecurityEvents + "/xss": 1,
		MetricDBOperation + "/count": 1, MetricDBOperation + "/sum": 0.012,
	}
	if !maps.Equal(sums, want) {
		t.Errorf("metrics = %v, want %v", sums, want)
	}
}

func TestMetricSelectorsFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	temp, agg, err := metricSelectorsFromEnv(env())
	if _, explicit := agg(sdkmetric.InstrumentKindHistogram).(sdkmetric.AggregationExplicitBucketHistogram); err != nil ||
		temp(sdkmetric.InstrumentKindCounter) != metricdata.CumulativeTemporality || !explicit {
		t.Errorf("defaults: %v, %T, %v", temp(sdkmetric.InstrumentKindCounter), agg(sdkmetric.InstrumentKindHistogram), err)
	}
	temp, agg, err = metricSelectorsFromEnv(env("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "Delta",
		"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "base2_exponential_bucket_histogram"))
	if err != nil || temp(sdkmetric.InstrumentKindCounter) != metricdata.DeltaTemporality ||
		temp(sdkmetric.InstrumentKindUpDownCounter) != metricdata.CumulativeTemporality {
		t.Errorf("delta: counter %v, up-down %v, %v", temp(sdkmetric.InstrumentKindCounter), temp(sdkmetric.InstrumentKindUpDownCounter), err)
	}
	if _, ok := agg(sdkmetric.InstrumentKindHistogram).(sdkmetric.AggregationBase2ExponentialHistogram); !ok {
		t.Errorf("histogram aggregation = %T, want base-2 exponential", agg(sdkmetric.InstrumentKindHistogram))
	}
	for _, bad := range [][]string{{"OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes"},
		{"OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "linear"}} {
		if _, _, err := metricSelectorsFromEnv(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%s=%s: err = %v, want one naming the variable", bad[0], bad[1], err)
		}
	}
}
