package telemetry

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// requestState is what Middleware knows of the request being served.
type requestState struct {
	method string
	route  string
	span   trace.Span
}

// routeTemplate strips the method and host from a ServeMux pattern ("GET example.com/p/{id}" ->
// "/p/{id}"); a plain template is returned as is.
func routeTemplate(pattern string) string {
	if _, rest, ok := strings.Cut(pattern, " "); ok {
		pattern = strings.TrimSpace(rest)
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		pattern = pattern[i:]
	}
	return pattern
}

// Middleware traces and measures every request next serves, then flushes before returning:
//
//   - the incoming trace is continued from traceparent/tracestate, baggage or B3 headers;
//   - a SERVER span is named once, when it starts, "<METHOD> <route>" from r.Pattern: the matched
//     ServeMux pattern when Middleware wraps a handler registered on a mux, or the route the router
//     will take when the caller resolved it before (web.WithRoute, which boot applies). It is never
//     renamed, so every statement of the request runs under its final name (the session ACTION).
//     Unrouted requests are named "<METHOD> <path>"; their metrics carry no http.route, so raw
//     paths never become metric dimensions;
//   - http.server.request.duration and octo.http.server.requests are recorded by method, route and
//     status; a 5xx marks the span as an error;
//   - Flush runs after the handler returns and before ServeHTTP does, so the fdk and Lambda adapters,
//     which send the buffered response only then, send it after the spans left. A panic in next still
//     ends, records and flushes the span (as a 500) before it propagates.
func (t *Telemetry) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := t.propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
		st := &requestState{method: knownMethod(r.Method)}
		name := st.method + " " + r.URL.Path
		if r.Pattern != "" {
			st.route = routeTemplate(r.Pattern)
			name = st.method + " " + st.route
		}
		attrs := []attribute.KeyValue{
			semconv.HTTPRequestMethodKey.String(st.method),
			semconv.URLPath(r.URL.Path),
			semconv.URLScheme(scheme(r)),
		}
		if st.route != "" {
			attrs = append(attrs, semconv.HTTPRoute(st.route))
		}
		if ua := r.UserAgent(); ua != "" {
			attrs = append(attrs, semconv.UserAgentOriginal(ua))
		}
		ctx, st.span = t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))

		rec := &statusRecorder{ResponseWriter: w}
		done := false
		defer func() {
			if !done { // next panicked
				rec.status = http.StatusInternalServerError
			}
			t.finish(ctx, st, rec.code(), scheme(r), time.Since(start))
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
		done = true
	})
}

// finish ends the request's span, records its metrics and flushes.
func (t *Telemetry) finish(ctx context.Context, st *requestState, status int, scheme string, d time.Duration) {
	st.span.SetAttributes(semconv.HTTPResponseStatusCode(status))
	metricAttrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(st.method),
		semconv.HTTPResponseStatusCode(status),
		semconv.URLScheme(scheme),
	}
	if st.route != "" {
		metricAttrs = append(metricAttrs, semconv.HTTPRoute(st.route))
	}
	if status >= http.StatusInternalServerError {
		errType := semconv.ErrorTypeKey.String(strconv.Itoa(status))
		st.span.SetAttributes(errType)
		st.span.SetStatus(codes.Error, http.StatusText(status))
		metricAttrs = append(metricAttrs, errType)
	}
	st.span.End()
	t.instruments.recordRequest(ctx, d, attribute.NewSet(metricAttrs...))

	// A client that went away must not stop the export; the invocation's deadline still bounds it.
	flushCtx := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		flushCtx, cancel = context.WithDeadline(flushCtx, deadline)
		defer cancel()
	}
	t.flushAfterRequest(flushCtx)
}

// knownMethod is http.request.method: the method, or "_OTHER" for one HTTP does not define, which
// would otherwise let clients mint metric dimensions.
func knownMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "_OTHER"
}

// scheme is url.scheme: what the client used, as far as this process can tell.
func scheme(r *http.Request) string {
	if proto := r.Header.Get("X-Forwarded-Proto"); proto == "https" || proto == "http" {
		return proto
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// statusRecorder remembers the status the handler wrote: the request's one status recorder, which
// the middleware inside Middleware (the access log) reads through Status.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// code is the status sent, 200 when the handler wrote nothing.
func (s *statusRecorder) code() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// Status returns the status of the response written through w, or of what wraps it, when w is inside
// Middleware: the code sent so far (200 when nothing was written yet). ok is false outside
// Middleware.
func Status(w http.ResponseWriter) (code int, ok bool) {
	for w != nil {
		if rec, found := w.(*statusRecorder); found {
			return rec.code(), true
		}
		u, can := w.(interface{ Unwrap() http.ResponseWriter })
		if !can {
			return 0, false
		}
		w = u.Unwrap()
	}
	return 0, false
}
