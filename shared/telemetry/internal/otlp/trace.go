package otlp

import (
	"context"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// TraceClient is the otlptrace.Client that POSTs ExportTraceServiceRequests to its target; the
// upstream otlptrace exporter turns the spans into them (NewTraceExporter).
type TraceClient struct{ s *sender }

var _ otlptrace.Client = (*TraceClient)(nil)

// NewTraceExporter returns the upstream span exporter over a TraceClient for t.
func NewTraceExporter(ctx context.Context, t Target) (*otlptrace.Exporter, error) {
	return otlptrace.New(ctx, &TraceClient{s: newSender(t, "spans")})
}

// Start does nothing: connections are made on the first upload.
func (c *TraceClient) Start(context.Context) error { return nil }

// Stop closes idle connections.
func (c *TraceClient) Stop(context.Context) error {
	c.s.client.CloseIdleConnections()
	return nil
}

// UploadTraces sends one export request.
func (c *TraceClient) UploadTraces(ctx context.Context, spans []*tracepb.ResourceSpans) error {
	body, err := envelope(spans)
	if err != nil {
		return err
	}
	return c.s.post(ctx, body)
}
