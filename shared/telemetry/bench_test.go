package telemetry

import (
	"context"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// BenchmarkFlush measures one invocation's export cost (a SERVER span and ten statement spans, then
// ForceFlush) against a loopback OTLP receiver, with the batch processor Setup uses and with the
// synchronous one it rejected. The receiver's count of export requests is reported per invocation.
func BenchmarkFlush(b *testing.B) {
	for _, bc := range []struct {
		name string
		with func(sdktrace.SpanExporter) sdktrace.TracerProviderOption
	}{
		{name: "batch", with: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption { return sdktrace.WithBatcher(e) }},
		{name: "simple", with: func(e sdktrace.SpanExporter) sdktrace.TracerProviderOption { return sdktrace.WithSyncer(e) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rc := &receiver{}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			ctx := context.Background()
			exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(srv.URL+"/v1/traces"),
				otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}))
			if err != nil {
				b.Fatal(err)
			}
			tp := sdktrace.NewTracerProvider(bc.with(exporter))
			defer tp.Shutdown(ctx)
			tracer := tp.Tracer("bench")
			for b.Loop() {
				rctx, root := tracer.Start(ctx, "GET /api/products/{id}")
				for range 10 {
					_, s := tracer.Start(rctx, "SELECT products")
					s.End()
				}
				root.End()
				if err := tp.ForceFlush(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(rc.snapshot()))/float64(b.N), "exports/op")
		})
	}
}
