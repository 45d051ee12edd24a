package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// requestFromV2 builds the request an HTTP API payload 2.0 event stands for. API Gateway lower-cases
// header names, joins repeated headers with commas and moves cookies into Cookies; the request gets
// canonical names and a Cookie header again.
func requestFromV2(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (*http.Request, error) {
	target := ev.RawPath
	if target == "" {
		target = "/"
	}
	if ev.RawQueryString != "" {
		target += "?" + ev.RawQueryString
	}
	header := make(http.Header, len(ev.Headers)+1)
	for k, v := range ev.Headers {
		header.Set(k, v)
	}
	if len(ev.Cookies) > 0 {
		header.Set("Cookie", strings.Join(ev.Cookies, "; "))
	}
	host := header.Get("Host")
	if host == "" {
		host = ev.RequestContext.DomainName
	}
	return newRequest(ctx, apiRequest{
		method:   ev.RequestContext.HTTP.Method,
		target:   target,
		proto:    ev.RequestContext.HTTP.Protocol,
		header:   header,
		host:     host,
		sourceIP: ev.RequestContext.HTTP.SourceIP,
		body:     ev.Body,
		base64:   ev.IsBase64Encoded,
	})
}

// requestFromV1 builds the request a REST API (or HTTP API payload 1.0) proxy event stands for,
// preferring the multi-value header and query maps, which hold every value.
func requestFromV1(ctx context.Context, ev events.APIGatewayProxyRequest) (*http.Request, error) {
	u := url.URL{Path: ev.Path}
	if u.Path == "" {
		u.Path = "/"
	}
	query := url.Values(ev.MultiValueQueryStringParameters)
	if len(query) == 0 {
		query = make(url.Values, len(ev.QueryStringParameters))
		for k, v := range ev.QueryStringParameters {
			query.Set(k, v)
		}
	}
	u.RawQuery = query.Encode()
	header := make(http.Header, len(ev.Headers))
	if len(ev.MultiValueHeaders) > 0 {
		for k, vs := range ev.MultiValueHeaders {
			for _, v := range vs {
				header.Add(k, v)
			}
		}
	} else {
		for k, v := range ev.Headers {
			header.Set(k, v)
		}
	}
	host := header.Get("Host")
	if host == "" {
		host = ev.RequestContext.DomainName
	}
	return newRequest(ctx, apiRequest{
		method:   ev.HTTPMethod,
		target:   u.RequestURI(),
		proto:    ev.RequestContext.Protocol,
		header:   header,
		host:     host,
		sourceIP: ev.RequestContext.Identity.SourceIP,
		body:     ev.Body,
		base64:   ev.IsBase64Encoded,
	})
}

// apiRequest is what both API Gateway event versions say about the client's request.
type apiRequest struct {
	method, target, proto string
	header                http.Header
	host, sourceIP        string
	body                  string
	base64                bool
}

// newRequest builds a server-side request as net/http would hand it to a handler. RemoteAddr is
// the source IP with port 0, because API Gateway does not pass the client port and handlers expect
// host:port.
func newRequest(ctx context.Context, a apiRequest) (*http.Request, error) {
	u, err := url.ParseRequestURI(a.target)
	if err != nil {
		return nil, fmt.Errorf("serve: lambda event: request target %q: %w", a.target, err)
	}
	body := []byte(a.body)
	if a.base64 {
		if body, err = base64.StdEncoding.DecodeString(a.body); err != nil {
			return nil, fmt.Errorf("serve: lambda event: decode base64 body: %w", err)
		}
	}
	major, minor, ok := http.ParseHTTPVersion(a.proto)
	if !ok {
		a.proto, major, minor = "HTTP/1.1", 1, 1
	}
	a.header.Del("Host")
	r := &http.Request{
		Method:        a.method,
		URL:           u,
		Proto:         a.proto,
		ProtoMajor:    major,
		ProtoMinor:    minor,
		Header:        a.header,
		Body:          http.NoBody,
		ContentLength: int64(len(body)),
		Host:          a.host,
		RequestURI:    a.target,
	}
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	if a.sourceIP != "" {
		r.RemoteAddr = net.JoinHostPort(a.sourceIP, "0")
	}
	return r.WithContext(ctx), nil
}

// responseToV2 answers an HTTP API payload 2.0 event: Set-Cookie values go to Cookies, other
// repeated headers are joined with commas (the 2.0 format has no multi-value headers).
func responseToV2(rec *responseBuffer) events.APIGatewayV2HTTPResponse {
	resp := events.APIGatewayV2HTTPResponse{
		StatusCode: rec.statusCode(),
		Headers:    make(map[string]string, len(rec.header)),
		Cookies:    rec.header.Values("Set-Cookie"),
	}
	for k, vs := range rec.header {
		if k != "Set-Cookie" {
			resp.Headers[k] = strings.Join(vs, ",")
		}
	}
	resp.Body, resp.IsBase64Encoded = encodeBody(rec.header, rec.body.Bytes())
	return resp
}

// responseToV1 answers a REST v1 proxy event with every header value in MultiValueHeaders.
func responseToV1(rec *responseBuffer) events.APIGatewayProxyResponse {
	resp := events.APIGatewayProxyResponse{
		StatusCode:        rec.statusCode(),
		MultiValueHeaders: make(map[string][]string, len(rec.header)),
	}
	for k, vs := range rec.header {
		resp.MultiValueHeaders[k] = vs
	}
	resp.Body, resp.IsBase64Encoded = encodeBody(rec.header, rec.body.Bytes())
	return resp
}

// encodeBody returns a text body as is and anything else base64-encoded. Text means no
// Content-Encoding, valid UTF-8, and a textual or absent Content-Type.
func encodeBody(h http.Header, body []byte) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	if enc := h.Get("Content-Encoding"); (enc == "" || enc == "identity") && utf8.Valid(body) && isTextType(h.Get("Content-Type")) {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}

func isTextType(contentType string) bool {
	if contentType == "" {
		return true
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "+json"),
		strings.HasSuffix(mediaType, "+xml"):
		return true
	}
	switch mediaType {
	case "application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded", "application/yaml":
		return true
	}
	return false
}

// responseBuffer is the http.ResponseWriter the Lambda adapter collects a response in.
type responseBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newResponseBuffer() *responseBuffer {
	return &responseBuffer{header: make(http.Header)}
}

// Header implements http.ResponseWriter.
func (b *responseBuffer) Header() http.Header { return b.header }

// WriteHeader implements http.ResponseWriter; informational codes are ignored and the first final
// status wins, as with net/http.
func (b *responseBuffer) WriteHeader(code int) {
	if b.status == 0 && code >= 200 {
		b.status = code
	}
}

// Write implements http.ResponseWriter.
func (b *responseBuffer) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// statusCode is the final status, 200 when the handler never set one.
func (b *responseBuffer) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}
