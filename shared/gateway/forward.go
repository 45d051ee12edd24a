package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// callGrace is how much longer than Fn-Deadline the gateway waits, so a function can answer its
// own timeout before the gateway gives up with 504.
const callGrace = time.Second

// serve handles one request and writes one log line for it.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ex := &exchange{w: w, r: r, traceID: ensureTraceparent(r)}
	ex.status = g.route(ex)
	attrs := []slog.Attr{
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", ex.status),
		slog.String("function", ex.function), slog.Float64("duration_ms", ms(time.Since(start))),
		slog.String("trace_id", ex.traceID), slog.String("request_id", web.RequestID(r.Context())),
	}
	if ex.pid != 0 {
		attrs = append(attrs, slog.Int("pid", ex.pid), slog.Float64("wait_ms", ms(ex.wait)))
	}
	g.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
}

// exchange is one request's state, for the log line.
type exchange struct {
	w        http.ResponseWriter
	r        *http.Request
	status   int
	function string
	traceID  string
	pid      int
	wait     time.Duration // how long the call waited for an idle instance (queued or a cold start)
}

// route runs the request through matching, rate limiting, authorization and the function, and
// returns the status it answered.
func (g *Gateway) route(ex *exchange) int {
	w, r := ex.w, ex.r
	if r.URL.Path == OpenAPIPath {
		return g.serveOpenAPI(w, r)
	}
	if g.static != nil && isStatic(r) {
		return g.static.serve(w, r)
	}
	route, allow, kind := g.router.match(r)
	if kind == matchWrongMethod && isPreflight(r) && g.cors.enabled() {
		if route, ok := g.preflightRoute(r); ok {
			ex.function = route.Function
			return g.cors.preflight(w, r)
		}
	}
	g.cors.headers(w.Header(), r)
	switch {
	case kind == matchNone:
		return fail(w, r, apperr.NotFound, "no route for "+r.Method+" "+r.URL.Path)
	case kind == matchWrongMethod:
		w.Header().Set("Allow", allow)
		return fail(w, r, apperr.MethodNotAllowed, "method "+r.Method+" is not allowed here; allowed: "+allow)
	}
	ex.function = route.Function
	ip := clientIP(r)
	if ok, wait := g.limiter.allow(route, ip); !ok {
		// The gateway has no database: the refusal is a security event in its log only.
		g.log.Warn("security event", "attack_type", "rate_limit", "source_ip", ip, "route", route.Pattern(),
			"request_id", web.RequestID(r.Context()))
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(wait)))
		return fail(w, r, apperr.RateLimited, "rate limit exceeded; retry later")
	}
	header := forwardHeader(r, ip)
	// Only protected routes go to the authorizer. A public route with auth: optional is forwarded as a
	// public one, Authorization included and principal headers stripped: the function verifies the
	// token itself (security.Optional), as it must on OCI, where such a route is ANONYMOUS.
	if route.Scope != manifest.Public {
		d, err := g.auth.authorize(r.Context(), route, r)
		if err != nil {
			g.log.Error("authorizer failed", "error", err.Error(), "request_id", web.RequestID(r.Context()))
			return g.upstreamError(w, r, err)
		}
		switch d.status {
		case http.StatusUnauthorized:
			w.Header().Set("WWW-Authenticate", d.wwwAuthenticate)
			return fail(w, r, apperr.Unauthorized, "authentication required")
		case http.StatusForbidden:
			return fail(w, r, apperr.Forbidden, "this route needs scope "+route.Grant())
		}
		header.Set(PrincipalHeader, d.principal)
		header.Set(ScopesHeader, strings.Join(d.scopes, " "))
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxPayload+1))
	if err != nil {
		return fail(w, r, apperr.Invalid, "could not read the request body")
	}
	if len(body) > MaxPayload {
		return fail(w, r, apperr.PayloadTooLarge, fmt.Sprintf("request body exceeds %d bytes", MaxPayload))
	}
	call := Call{ContentType: r.Header.Get("Content-Type"), Body: body,
		HTTP: &HTTPRequest{Method: r.Method, URL: r.URL.RequestURI(), Header: header}}
	res, in, err := g.call(r.Context(), route.Function, call)
	ex.pid, ex.wait = in.pid, in.wait
	if err != nil {
		g.log.Error("function call failed", "function", route.Function, "pid", in.pid, "error", err.Error(),
			"request_id", web.RequestID(r.Context()))
		return g.upstreamError(w, r, err)
	}
	if id := traceIDFromResponse(res.Header); id != "" {
		ex.traceID = id
	}
	for k, vs := range res.Header {
		if k == "Vary" { // keep the gateway's Vary: Origin beside the function's
			for _, v := range vs {
				w.Header().Add(k, v)
			}
			continue
		}
		w.Header()[k] = vs
	}
	w.WriteHeader(res.Status)
	_, _ = w.Write(res.Body) // the status is out; a failed write means the client left
	return res.Status
}

// isPreflight reports whether r is a CORS preflight: OPTIONS with Origin and
// Access-Control-Request-Method.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}

// preflightRoute finds the route a preflight asks about (its path with the method in
// Access-Control-Request-Method). The gateway answers the preflight itself from its CORS allow-list
// (cors.go), without the authorizer, the rate limit or the function: a browser sends no credentials
// with a preflight, and API Gateway answers preflights before all three.
func (g *Gateway) preflightRoute(r *http.Request) (manifest.BoundRoute, bool) {
	probe := r.Clone(r.Context())
	probe.Method = strings.ToUpper(r.Header.Get("Access-Control-Request-Method"))
	route, _, kind := g.router.match(probe)
	return route, kind == matchRoute
}

// instance is which process ran a call and how long the call waited for it, for the log.
type instance struct {
	pid  int
	wait time.Duration
}

// call runs one invocation on an instance of fn, returning the instance's pid and the wait for it.
// A failed call (the process died, the answer was malformed, the deadline passed) stops the process:
// its state is unknown, and the pool replaces it.
func (g *Gateway) call(ctx context.Context, fn string, call Call) (*Result, instance, error) {
	pl := g.pools[fn]
	start := time.Now()
	p, err := pl.acquire(ctx)
	in := instance{wait: time.Since(start)}
	if err != nil {
		return nil, in, err
	}
	in.pid = p.PID
	call.ID = web.NewID()
	call.Deadline = time.Now().Add(g.timeouts[fn])
	// The call is not cancelled when the client leaves: like the Fn agent, the process finishes it.
	cctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), call.Deadline.Add(callGrace))
	defer cancel()
	res, err := p.Client().Do(cctx, call)
	if err != nil {
		why := "call failed"
		if errors.Is(err, context.DeadlineExceeded) {
			why, err = "deadline exceeded", fmt.Errorf("%w: %w", errDeadline, err)
		}
		go pl.discard(p, why)
		return nil, in, err
	}
	pl.release(p)
	return res, in, nil
}

// errDeadline marks a call that outlived its Fn-Deadline (answered 504).
var errDeadline = errors.New("gateway: function deadline exceeded")

// invoke is a plain invocation (authorizer, scheduler): no Fn-Intent, the body is the whole input.
func (g *Gateway) invoke(ctx context.Context, fn string, body []byte) ([]byte, error) {
	res, _, err := g.call(ctx, fn, Call{ContentType: "application/json", Body: body})
	if err != nil {
		return nil, err
	}
	if res.Status != http.StatusOK {
		return nil, fmt.Errorf("gateway: invoke %s: status %d", fn, res.Status)
	}
	return res.Body, nil
}

// upstreamError answers a failure to get a usable answer from a function.
func (g *Gateway) upstreamError(w http.ResponseWriter, r *http.Request, err error) int {
	switch {
	case errors.Is(err, errQueueTimeout), errors.Is(err, errPoolClosed), errors.Is(err, context.Canceled):
		w.Header().Set("Retry-After", "1")
		return fail(w, r, apperr.Unavailable, "the function is busy; retry later")
	case errors.Is(err, errDeadline):
		return writeError(w, r, http.StatusGatewayTimeout, "timeout", "the function did not answer in time")
	default:
		return writeError(w, r, http.StatusBadGateway, "bad_gateway", "the function failed to answer")
	}
}

// fail answers with the standard error body for kind.
func fail(w http.ResponseWriter, r *http.Request, kind apperr.Kind, message string) int {
	return writeError(w, r, kind.Status(), kind.String(), message)
}

// writeError answers an error of the gateway's own (no route, wrong method, refused by the
// authorizer, rate limited, function unavailable) with the standard body and the security headers
// of a function's answers, uncacheable like every error a function answers; 429 and 503 say when to
// retry.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) int {
	h := w.Header()
	web.SecurityHeaders(h)
	web.NoStore(w)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && h.Get("Retry-After") == "" {
		h.Set("Retry-After", "1")
	}
	web.JSON(w, status, web.ErrorBody{Error: web.ErrorDetail{Code: code, Message: message, RequestID: web.RequestID(r.Context())}})
	return status
}

// forwardHeader returns the client's headers as the function receives them: hop-by-hop headers
// dropped, identity headers removed (set again only by the authorizer step), X-Real-IP set and
// X-Forwarded-For appended, Host and X-Request-Id (the one echoed to the client) included.
func forwardHeader(r *http.Request, ip string) http.Header {
	h := r.Header.Clone()
	for _, v := range h.Values("Connection") {
		for name := range strings.SplitSeq(v, ",") {
			h.Del(strings.TrimSpace(name))
		}
	}
	for name := range hopByHopHeaders {
		h.Del(name)
	}
	h.Del(PrincipalHeader)
	h.Del(ScopesHeader)
	h.Set(RealIPHeader, ip)
	xff := ip
	if prior := h.Values(ForwardedForHeader); len(prior) > 0 {
		xff = strings.Join(prior, ", ") + ", " + ip
	}
	h.Set(ForwardedForHeader, xff)
	h.Set("Host", r.Host)
	h.Set(web.RequestIDHeader, web.RequestID(r.Context()))
	return h
}

// clientIP is the connecting peer's address; client-sent headers are never believed.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

var traceparentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`) })

// ensureTraceparent keeps a valid W3C traceparent or sets a fresh sampled one on r, and returns the
// trace id.
func ensureTraceparent(r *http.Request) string {
	if m := traceparentRE().FindStringSubmatch(r.Header.Get("Traceparent")); m != nil &&
		m[1] != strings.Repeat("0", 32) && m[2] != strings.Repeat("0", 16) {
		return m[1]
	}
	var b [24]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	trace, span := hex.EncodeToString(b[:16]), hex.EncodeToString(b[16:])
	r.Header.Set("Traceparent", "00-"+trace+"-"+span+"-01")
	return trace
}

// traceIDFromResponse returns the trace id a function reports, if any.
func traceIDFromResponse(h http.Header) string {
	if m := traceparentRE().FindStringSubmatch(h.Get("Traceparent")); m != nil {
		return m[1]
	}
	if id := h.Get("X-Trace-Id"); id != "" && validHeaderValue(id) && len(id) <= 64 {
		return id
	}
	return ""
}
