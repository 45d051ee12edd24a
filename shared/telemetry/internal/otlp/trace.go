package otlp

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/VictoriaMetrics/easyproto"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// TraceExporter is an sdktrace.SpanExporter that POSTs ExportTraceServiceRequests to its target,
// encoded as upstream's otlptrace exporter encodes them (TestTraceRequestsMatchUpstream).
type TraceExporter struct {
	s       *sender
	mu      sync.RWMutex
	stopped bool
}

var _ sdktrace.SpanExporter = (*TraceExporter)(nil)

// NewTraceExporter returns the exporter for t.
func NewTraceExporter(t Target) *TraceExporter {
	return &TraceExporter{s: newSender(t, "spans")}
}

// ExportSpans sends one export request holding spans.
func (e *TraceExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.stopped {
		return errShutdown
	}
	body := encodeSpans(spans)
	if len(body) == 0 {
		return nil
	}
	if err := e.s.post(ctx, body); err != nil {
		return fmt.Errorf("traces export: %w", err)
	}
	return nil
}

// Shutdown stops exporting and closes idle connections.
func (e *TraceExporter) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.stopped = true
	e.mu.Unlock()
	e.s.client.CloseIdleConnections()
	return ctx.Err()
}

// encodeSpans is the ExportTraceServiceRequest of spans: resource_spans = 1, one per resource in the
// order first seen, each with scope_spans = 2 per instrumentation scope in the order first seen.
func encodeSpans(spans []sdktrace.ReadOnlySpan) []byte {
	type scopeKey struct {
		r attribute.Distinct
		s instrumentation.Scope
	}
	type group struct {
		res    *resource.Resource
		scopes []scopeKey
	}
	var order []attribute.Distinct
	groups := map[attribute.Distinct]*group{}
	byScope := map[scopeKey][]sdktrace.ReadOnlySpan{}
	for _, sd := range spans {
		if sd == nil {
			continue
		}
		rk := sd.Resource().Equivalent()
		g, ok := groups[rk]
		if !ok {
			g = &group{res: sd.Resource()}
			groups[rk] = g
			order = append(order, rk)
		}
		sk := scopeKey{rk, sd.InstrumentationScope()}
		if _, ok := byScope[sk]; !ok {
			g.scopes = append(g.scopes, sk)
		}
		byScope[sk] = append(byScope[sk], sd)
	}
	if len(order) == 0 {
		return nil
	}
	return encode(func(req *easyproto.MessageMarshaler) {
		for _, rk := range order {
			g := groups[rk]
			rs := req.AppendMessage(1)
			if g.res != nil {
				putKeyValueIter(rs.AppendMessage(1), 1, g.res.Iter())
			}
			for _, sk := range g.scopes {
				ss := rs.AppendMessage(2)
				if sk.s != (instrumentation.Scope{}) {
					putScope(ss.AppendMessage(1), sk.s)
				}
				for _, sd := range byScope[sk] {
					putSpan(ss.AppendMessage(2), sd)
				}
				putString(ss, 3, sk.s.SchemaURL)
			}
			putString(rs, 3, g.res.SchemaURL())
		}
	})
}

// putScope writes an InstrumentationScope: name 1, version 2, attributes 3.
func putScope(m *easyproto.MessageMarshaler, s instrumentation.Scope) {
	putString(m, 1, s.Name)
	putString(m, 2, s.Version)
	putKeyValueIter(m, 3, s.Attributes.Iter())
}

// putSpan writes a Span: trace_id 1, span_id 2, trace_state 3, parent_span_id 4, name 5, kind 6,
// start 7, end 8, attributes 9, dropped_attributes_count 10, events 11, dropped_events_count 12,
// links 13, dropped_links_count 14, status 15 (always present), flags 16.
func putSpan(m *easyproto.MessageMarshaler, sd sdktrace.ReadOnlySpan) {
	sc := sd.SpanContext()
	tid, sid := sc.TraceID(), sc.SpanID()
	m.AppendBytes(1, tid[:])
	m.AppendBytes(2, sid[:])
	putString(m, 3, sc.TraceState().String())
	parent := sd.Parent()
	if psid := parent.SpanID(); psid.IsValid() {
		m.AppendBytes(4, psid[:])
	}
	putString(m, 5, sd.Name())
	putEnum(m, 6, spanKind(sd.SpanKind()))
	putFixed64(m, 7, unixNano(sd.StartTime().UnixNano()))
	putFixed64(m, 8, unixNano(sd.EndTime().UnixNano()))
	putKeyValues(m, 9, sd.Attributes())
	putUint32(m, 10, clampUint32(sd.DroppedAttributes()))
	for _, ev := range sd.Events() {
		e := m.AppendMessage(11)
		putFixed64(e, 1, unixNano(ev.Time.UnixNano()))
		putString(e, 2, ev.Name)
		putKeyValues(e, 3, ev.Attributes)
		putUint32(e, 4, clampUint32(ev.DroppedAttributeCount))
	}
	putUint32(m, 12, clampUint32(sd.DroppedEvents()))
	for _, l := range sd.Links() {
		lm := m.AppendMessage(13)
		ltid, lsid := l.SpanContext.TraceID(), l.SpanContext.SpanID()
		lm.AppendBytes(1, ltid[:])
		lm.AppendBytes(2, lsid[:])
		putKeyValues(lm, 4, l.Attributes)
		putUint32(lm, 5, clampUint32(l.DroppedAttributeCount))
		putFixed32(lm, 6, spanFlags(l.SpanContext.TraceFlags(), l.SpanContext))
	}
	putUint32(m, 14, clampUint32(sd.DroppedLinks()))
	st := sd.Status()
	status := m.AppendMessage(15)
	putString(status, 2, st.Description)
	putEnum(status, 3, statusCode(st.Code))
	putFixed32(m, 16, spanFlags(sc.TraceFlags(), parent))
}

// spanFlags are the trace flags with SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE (0x100) and, for a remote
// parent, SPAN_FLAGS_CONTEXT_IS_REMOTE (0x200).
func spanFlags(tf trace.TraceFlags, parent trace.SpanContext) uint32 {
	flags := uint32(tf) | 0x100
	if parent.IsRemote() {
		flags |= 0x200
	}
	return flags
}

// spanKind is Span.SpanKind: unspecified 0, internal 1, server 2, client 3, producer 4, consumer 5.
func spanKind(k trace.SpanKind) int32 {
	switch k {
	case trace.SpanKindInternal:
		return 1
	case trace.SpanKindServer:
		return 2
	case trace.SpanKindClient:
		return 3
	case trace.SpanKindProducer:
		return 4
	case trace.SpanKindConsumer:
		return 5
	}
	return 0
}

// statusCode is Status.StatusCode: unset 0, ok 1, error 2.
func statusCode(c codes.Code) int32 {
	switch c {
	case codes.Ok:
		return 1
	case codes.Error:
		return 2
	}
	return 0
}

func clampUint32(v int) uint32 {
	if v < 0 {
		return 0
	}
	return uint32(min(int64(v), math.MaxUint32))
}
