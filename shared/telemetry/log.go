package telemetry

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// LogHandler wraps inner so that every record logged with a context carrying a valid span gets
// trace_id and span_id attributes (W3C hex), the keys APM's log correlation and our access log use.
// Like any attribute added at Handle time, they land inside the groups opened with WithGroup, so
// derive grouped loggers from a LogHandler only where that nesting is wanted.
func LogHandler(inner slog.Handler) slog.Handler {
	return logHandler{inner: inner}
}

type logHandler struct {
	inner slog.Handler
}

func (h logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r = r.Clone()
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.inner.Handle(ctx, r)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{inner: h.inner.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{inner: h.inner.WithGroup(name)}
}
