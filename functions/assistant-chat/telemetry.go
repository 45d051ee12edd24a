package assistantchat

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// OpenTelemetry GenAI semantic-convention names (gen_ai.*), and the function's own counters.
const (
	attrOperation     = attribute.Key("gen_ai.operation.name")
	attrProvider      = attribute.Key("gen_ai.provider.name")
	attrRequestModel  = attribute.Key("gen_ai.request.model")
	attrMaxTokens     = attribute.Key("gen_ai.request.max_tokens")
	attrTemperature   = attribute.Key("gen_ai.request.temperature")
	attrResponseModel = attribute.Key("gen_ai.response.model")
	attrInputTokens   = attribute.Key("gen_ai.usage.input_tokens")
	attrOutputTokens  = attribute.Key("gen_ai.usage.output_tokens")
	attrTokenType     = attribute.Key("gen_ai.token.type")
	attrConversation  = attribute.Key("gen_ai.conversation.id")
	attrAnsweredBy    = attribute.Key("octo.assistant.provider")
	attrRefusal       = attribute.Key("octo.assistant.refusal.reason")
	attrFallback      = attribute.Key("octo.assistant.fallback.reason")
	attrProducts      = attribute.Key("octo.assistant.products")
	attrAPIFormat     = attribute.Key("octo.assistant.api_format")

	// providerOCI is gen_ai.provider.name for OCI Generative AI (not a registered value yet).
	providerOCI = "oci.genai"

	MetricTokenUsage = "gen_ai.client.token.usage"
	MetricDuration   = "gen_ai.client.operation.duration"
	MetricRefusals   = "octo.assistant.refusals"
	MetricFallbacks  = "octo.assistant.fallbacks"
	MetricReplies    = "octo.assistant.replies"
)

// metrics are the assistant's instruments.
type metrics struct {
	tokens    metric.Int64Histogram
	duration  metric.Float64Histogram
	refusals  metric.Int64Counter
	fallbacks metric.Int64Counter
	replies   metric.Int64Counter
}

func newMetrics(m metric.Meter) *metrics {
	// The instruments' constructors fail only on invalid names, which are constants here; a failure
	// leaves a no-op instrument, never a nil one.
	var out metrics
	out.tokens, _ = m.Int64Histogram(MetricTokenUsage, metric.WithUnit("{token}"),
		metric.WithDescription("Tokens used per model call, by gen_ai.token.type (input, output)."),
		metric.WithExplicitBucketBoundaries(1, 4, 16, 64, 256, 1024, 4096, 16384))
	out.duration, _ = m.Float64Histogram(MetricDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of model calls, failed ones included."),
		metric.WithExplicitBucketBoundaries(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96))
	out.refusals, _ = m.Int64Counter(MetricRefusals, metric.WithUnit("{message}"),
		metric.WithDescription("Messages refused by the guardrail, by reason."))
	out.fallbacks, _ = m.Int64Counter(MetricFallbacks, metric.WithUnit("{reply}"),
		metric.WithDescription("Replies written by the local answerer because the model failed, by reason."))
	out.replies, _ = m.Int64Counter(MetricReplies, metric.WithUnit("{reply}"),
		metric.WithDescription("Replies, by provider (oci-genai, local, guardrail)."))
	return &out
}

func (m *metrics) modelCall(ctx context.Context, d time.Duration, model string, reply ModelReply, failed string) {
	attrs := []attribute.KeyValue{attrOperation.String("chat"), attrProvider.String(providerOCI), attrRequestModel.String(model)}
	if failed != "" {
		attrs = append(attrs, attribute.String("error.type", failed))
	}
	m.duration.Record(ctx, d.Seconds(), metric.WithAttributes(attrs...))
	if failed == "" {
		m.tokens.Record(ctx, int64(reply.PromptTokens), metric.WithAttributes(append(attrs, attrTokenType.String("input"))...))
		m.tokens.Record(ctx, int64(reply.CompletionTokens), metric.WithAttributes(append(attrs, attrTokenType.String("output"))...))
	}
}

func noopTracerProvider() trace.TracerProvider { return tracenoop.NewTracerProvider() }
func noopMeterProvider() metric.MeterProvider  { return metricnoop.NewMeterProvider() }
