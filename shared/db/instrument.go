package db

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/action"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// tagLimit is Oracle's limit, in bytes, on MODULE, ACTION, CLIENT_INFO and CLIENT_IDENTIFIER.
const tagLimit = 64

// namedSpan is implemented by the OpenTelemetry SDK's recording spans (sdktrace.ReadOnlySpan); the
// trace API offers no way to read a span's name, and non-recording spans have none.
type namedSpan interface{ Name() string }

// NoAction is the ACTION of a statement run outside any named operation. godror sends a trace tag
// only when it is not empty, so an empty ACTION would leave the pooled session showing the previous
// request's ACTION in V$SESSION and ASH; a placeholder overwrites it.
const NoAction = "-"

// actionOf returns the ACTION for a statement run with ctx: the name of the span it runs under (the
// operation span, the statement's parent), else the operation name the router put in ctx
// (action.With, set whether or not the request is sampled), cut to 64 bytes, else NoAction.
func actionOf(ctx context.Context) string {
	if s, ok := trace.SpanFromContext(ctx).(namedSpan); ok && s.Name() != "" {
		return CutBytes(s.Name(), tagLimit)
	}
	if name := action.Of(ctx); name != "" {
		return CutBytes(name, tagLimit)
	}
	return NoAction
}

// call is one statement execution in flight.
type call struct {
	c      *connector
	inst   *instruments
	st     *stmt
	ctx    context.Context // carries the statement's span and, on Oracle, its trace tags
	span   trace.Span
	start  time.Time
	action string
	ident  string // the session's CLIENT_IDENTIFIER when the statement ran
	// traceID is the trace of the caller's context: zero without one. Not the statement span's, which
	// is a new root (a new trace id) when the caller has no span.
	traceID trace.TraceID
	stats   *statsCollector
	done    bool
}

// begin starts the statement's CLIENT span as a child of the span in ctx and has the dialect attach
// MODULE/ACTION/CLIENT_INFO to send with the statement (on Oracle a godror trace tag: no round trip).
//
// The span gets all its attributes in one call when the statement ends: the SDK then copies them
// once into a slice of the right size, where attributes given at start and more added at the end
// cost three copies and a regrowth. Samplers therefore see no attributes; statement spans are meant
// to follow their parent's decision (ParentBased), which needs none.
func (c *connector) begin(cl *call, ctx context.Context, st *stmt) {
	action := actionOf(ctx)
	inst := c.inst.Load()
	sctx, span := inst.tracer.Start(ctx, st.name, c.spanStart...)
	*cl = call{c: c, inst: inst, st: st, ctx: c.dialect.Tag(sctx, dialect.Tags{Module: c.module, Action: action, ClientInfo: c.clientInfo}),
		span: span, start: time.Now(), action: action, stats: statsFrom(ctx),
		traceID: trace.SpanContextFromContext(ctx).TraceID()}
}

// tag returns ctx carrying the session tags for a statement that is not traced (BEGIN).
func (c *connector) tag(ctx context.Context, action string) context.Context {
	return c.dialect.Tag(ctx, dialect.Tags{Module: c.module, Action: action, ClientInfo: c.clientInfo})
}

// end finishes the span and the measurement and returns err mapped to an application error. n is the
// row count to record under key (none when n < 0); batch is the batch size (none when 0).
func (c *call) end(n int64, key attribute.Key, batch int, err error) error {
	if c.done {
		return nil
	}
	c.done = true
	elapsed := time.Since(c.start)
	var code string
	if err != nil {
		code = c.c.dialect.StatusCode(err)
	}
	if c.span.IsRecording() {
		buf := c.c.attrBufs.Get().(*[]attribute.KeyValue)
		attrs := append((*buf)[:0], c.st.spanAttrs...)
		attrs = append(attrs, keyAction.String(c.action))
		if c.ident != "" {
			attrs = append(attrs, keyClientIdentifier.String(c.ident))
		}
		if n >= 0 {
			attrs = append(attrs, key.Int64(n))
		}
		if batch > 0 {
			attrs = append(attrs, semconv.DBOperationBatchSize(batch))
		}
		if err != nil {
			attrs = append(attrs, errorType(code))
			if code != "" {
				attrs = append(attrs, semconv.DBResponseStatusCode(code))
			}
			c.span.SetStatus(codes.Error, err.Error())
		}
		c.span.SetAttributes(attrs...) // the span copies them: the buffer can be reused
		*buf = attrs
		c.c.attrBufs.Put(buf)
	}
	c.span.End()
	if err == nil {
		c.inst.duration.Record(c.ctx, elapsed.Seconds(), c.st.metricOpt)
	} else {
		set := append(c.st.metricAttrs[:len(c.st.metricAttrs):len(c.st.metricAttrs)], errorType(code))
		c.inst.duration.Record(c.ctx, elapsed.Seconds(), metric.WithAttributes(set...))
	}
	if c.stats != nil {
		c.stats.add(elapsed)
	}
	c.st.counts.add(elapsed, n, err)
	if err != nil {
		return c.c.mapErr("db: "+c.st.name, err)
	}
	return nil
}

func errorType(code string) attribute.KeyValue {
	if code == "" {
		return semconv.ErrorTypeOther
	}
	return semconv.ErrorTypeKey.String(code)
}
