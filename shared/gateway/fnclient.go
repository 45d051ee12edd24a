package gateway

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxPayload is the largest request or response body the gateway carries, OCI Functions' 6 MB
// invocation payload limit.
const MaxPayload = 6 << 20

// The Fn http-stream protocol headers, as the Fn agent sends and reads them.
const (
	hdrCallID      = "Fn-Call-Id"
	hdrDeadline    = "Fn-Deadline"
	hdrIntent      = "Fn-Intent"
	hdrHTTPMethod  = "Fn-Http-Method"
	hdrHTTPURL     = "Fn-Http-Request-Url"
	hdrHTTPStatus  = "Fn-Http-Status"
	hdrHTTPPrefix  = "Fn-Http-H-"
	intentHTTPReq  = "httprequest"
	callPath       = "http://function/call"
	contentTypeHdr = "Content-Type"
)

// Client speaks the OCI Functions http-stream protocol to one function process, the way the Fn agent
// does: POST /call over HTTP/1.1 on the process's unix socket. It is safe for concurrent use, but a
// function process serves one call at a time; the gateway's pool never sends it two at once.
type Client struct {
	socket string
	hc     *http.Client
}

// NewClient returns a client for the function listening on the unix socket at path (the value of
// FN_LISTENER without its "unix:" scheme).
func NewClient(socket string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConns:        1,
		MaxIdleConnsPerHost: 1,
		DisableCompression:  true,
	}
	return &Client{socket: socket, hc: &http.Client{Transport: tr}}
}

// Socket returns the unix socket path the client dials.
func (c *Client) Socket() string { return c.socket }

// Close releases the client's idle connection.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// Call is one function invocation.
type Call struct {
	ID          string    // Fn-Call-Id; must be unique per call
	Deadline    time.Time // Fn-Deadline: the function's context deadline
	ContentType string
	Body        []byte
	// HTTP, when set, makes this an API Gateway invocation (Fn-Intent: httprequest); nil is a plain
	// invocation (authorizer, scheduler) whose body is the whole input.
	HTTP *HTTPRequest
}

// HTTPRequest is the client request an API Gateway invocation carries.
type HTTPRequest struct {
	Method string
	URL    string      // the path and query as received, e.g. /v1/api/products?limit=5
	Header http.Header // the client's headers, sent as Fn-Http-H-<Name>
}

// Result is a function's answer. For an HTTP invocation Status and Header are the handler's, decoded
// from Fn-Http-Status and Fn-Http-H-*; for a plain invocation they are the agent response's own.
type Result struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends the call and reads the whole answer (the FDK buffers it too). ctx bounds the exchange;
// give it a little more than the call's deadline so the function can answer its own timeout.
func (c *Client) Do(ctx context.Context, call Call) (*Result, error) {
	const op = "gateway: call function"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, callPath, bytes.NewReader(call.Body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	h := req.Header
	h.Set(hdrCallID, call.ID)
	if !call.Deadline.IsZero() {
		h.Set(hdrDeadline, call.Deadline.UTC().Format(time.RFC3339Nano))
	}
	if call.ContentType != "" {
		h.Set(contentTypeHdr, call.ContentType)
	}
	if call.HTTP != nil {
		h.Set(hdrIntent, intentHTTPReq)
		h.Set(hdrHTTPMethod, call.HTTP.Method)
		h.Set(hdrHTTPURL, call.HTTP.URL)
		for k, vs := range call.HTTP.Header {
			h[hdrHTTPPrefix+k] = vs
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", op, c.socket, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read answer: %w", op, err)
	}
	if len(body) > MaxPayload {
		return nil, fmt.Errorf("%s: answer exceeds %d bytes", op, MaxPayload)
	}
	if call.HTTP == nil {
		return &Result{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
	}
	return decodeHTTPResult(resp, body)
}

// decodeHTTPResult unwraps the handler's status and headers from the FDK's Fn-Http-* encoding.
// Content-Type travels unprefixed (the FDK leaves it so); the FDK's own headers are dropped.
func decodeHTTPResult(resp *http.Response, body []byte) (*Result, error) {
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("gateway: call function: agent status %d", resp.StatusCode)
	}
	status := http.StatusOK
	if s := resp.Header.Get(hdrHTTPStatus); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 || n > 599 {
			return nil, fmt.Errorf("gateway: call function: bad %s %q", hdrHTTPStatus, s)
		}
		status = n
	}
	out := http.Header{}
	for k, vs := range resp.Header {
		name, ok := strings.CutPrefix(k, hdrHTTPPrefix)
		if !ok || name == "" || hopByHop(name) || http.CanonicalHeaderKey(name) == "Content-Length" {
			continue
		}
		out[http.CanonicalHeaderKey(name)] = vs
	}
	if ct := resp.Header.Get(contentTypeHdr); ct != "" {
		out.Set(contentTypeHdr, ct)
	}
	return &Result{Status: status, Header: out, Body: body}, nil
}

// hopByHopHeaders are meaningful for one connection only (RFC 9110 7.6.1) and never forwarded.
var hopByHopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Connection": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

func hopByHop(name string) bool { return hopByHopHeaders[http.CanonicalHeaderKey(name)] }
