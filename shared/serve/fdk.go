package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	fdk "github.com/fnproject/fdk-go"
)

// What fdk-go v0.0.63 does, read from its source, and what this adapter adds:
//
//   - It reads FN_FORMAT and FN_LISTENER with os.Getenv and calls log.Fatal on a bad value or a failed
//     listen, and rebuilds the function config (fdk.Context.Config) from os.Environ on every call.
//     So Options.Getenv cannot redirect it: Run validates FN_LISTENER first and refuses to start when
//     Options.Getenv and the process environment disagree.
//   - It listens on <dir>/phony<name>, chmods it 0666 and symlinks <name> to it (the agent's
//     readiness signal), and sets the context deadline from Fn-Deadline.
//   - A call with Fn-Intent: httprequest gets an fdk.HTTPContext; fdk.HTTPHandler rebuilds the client
//     request from Fn-Http-Method, Fn-Http-Request-Url and the Fn-Http-H-* headers (copied
//     unprefixed, the prefixed originals left in place), and the handler's status and headers go
//     back as Fn-Http-Status and Fn-Http-H-*. The rebuilt request keeps Host as a header and has no
//     RequestURI or RemoteAddr; fdkRequest fixes the first two, RemoteAddr stays empty because the
//     protocol carries no client address.
//   - A call without Fn-Intent (OCI Resource Scheduler, fn invoke) gets a plain fdk.Context, and
//     fdk.HTTPHandler would turn it into POST http://localhost/invoke with every agent header (Fn-Call-Id,
//     Fn-Deadline, ...) as request headers; status is dropped (the agent always gets 200) and response
//     headers are not prefixed. fdkRequest replaces that request with the POST InvokePath one.
//   - On ctx cancellation it calls Shutdown with that already-cancelled ctx and returns at once,
//     without waiting for calls in flight; fdkAdapter counts them so runFDK can drain.

// runFDK serves h over the OCI Functions http-stream protocol until ctx is cancelled.
func runFDK(ctx context.Context, h http.Handler, opts Options) error {
	if err := checkProcessEnv(opts.Getenv, "FN_FORMAT", "FN_LISTENER"); err != nil {
		return err
	}
	a := &fdkAdapter{next: fdk.HTTPHandler(fdkRequest(h))}
	fdk.HandleContext(ctx, a)
	select {
	case <-a.calls.drained():
	case <-time.After(opts.ShutdownTimeout):
		return fmt.Errorf("serve: oci functions: calls still running %s after shutdown", opts.ShutdownTimeout)
	}
	// fdk-go copies a call's buffered response to the socket after the handler returns, and its
	// shutdown does not wait for that (its source says as much); nor does it expose the server. So
	// after the last call ended, give that copy a short, bounded moment before the process exits.
	if d := fdkWriteGrace - time.Since(a.calls.lastEnded()); d > 0 {
		time.Sleep(d)
	}
	return nil
}

// fdkWriteGrace bounds the wait for fdk-go to write the last response after its handler returned.
const fdkWriteGrace = 200 * time.Millisecond

// fdkAdapter counts the calls in flight so runFDK can drain them.
type fdkAdapter struct {
	next  fdk.Handler
	calls inflight
}

// Serve implements fdk.Handler.
func (a *fdkAdapter) Serve(ctx context.Context, in io.Reader, out io.Writer) {
	a.calls.begin()
	defer a.calls.end()
	a.next.Serve(ctx, in, out)
}

// fnHeaderPrefix marks a client header inside an Fn call.
const fnHeaderPrefix = "Fn-Http-H-"

// fdkRequest turns the request fdk.HTTPHandler rebuilt into the one h should see. A gateway call
// (fdk.HTTPContext) loses the prefixed copies fdk-go leaves next to the unprefixed headers (so a
// client header that itself starts with Fn-Http-H- does not survive) and gets what net/http would
// have set: Host promoted from the header, RequestURI, ContentLength. Any other call becomes the
// non-HTTP invocation request on InvokePath. Both carry the runtime's ResponseBudget.
func fdkRequest(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fctx := fdk.GetContext(r.Context())
		r = r.WithContext(WithResponseBudget(r.Context(), fdkBudget))
		if _, ok := fctx.(fdk.HTTPContext); !ok {
			h.ServeHTTP(w, invokeRequest(r.Context(), fctx.ContentType(), fctx.CallID(), r.Body, contentLength(r.Header)))
			return
		}
		for k := range r.Header {
			if strings.HasPrefix(k, fnHeaderPrefix) {
				delete(r.Header, k)
			}
		}
		if host := r.Header.Get("Host"); host != "" {
			r.Host = host
		}
		r.Header.Del("Host")
		r.RequestURI = r.URL.RequestURI()
		r.ContentLength = contentLength(r.Header)
		h.ServeHTTP(w, r)
	})
}

// contentLength reads a Content-Length header; -1 means unknown, as on a server request.
func contentLength(h http.Header) int64 {
	n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// invokeRequest builds the request a non-HTTP invocation reaches the handler as.
func invokeRequest(ctx context.Context, contentType, requestID string, body io.ReadCloser, length int64) *http.Request {
	r := &http.Request{
		Method:        http.MethodPost,
		URL:           &url.URL{Path: InvokePath},
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{InvocationHeader: {InvocationScheduled}},
		Body:          body,
		ContentLength: length,
		RequestURI:    InvokePath,
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if requestID != "" {
		r.Header.Set("X-Request-Id", requestID)
	}
	return r.WithContext(ctx)
}

// inflight counts calls in progress and tells when none is left after shutdown began.
type inflight struct {
	mu       sync.Mutex
	n        int
	draining bool
	done     chan struct{} // made when draining starts, closed once n reaches 0
	closed   bool
	ended    time.Time // when the last call ended
}

func (c *inflight) begin() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

func (c *inflight) end() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n--
	c.ended = time.Now()
	if c.n == 0 && c.draining && !c.closed {
		c.closed = true
		close(c.done)
	}
}

// lastEnded returns when the last call ended (the zero time when none has).
func (c *inflight) lastEnded() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended
}

// drained marks the start of shutdown and returns a channel closed once no call is in flight.
func (c *inflight) drained() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.draining {
		c.draining = true
		c.done = make(chan struct{})
		if c.n == 0 {
			c.closed = true
			close(c.done)
		}
	}
	return c.done
}
