package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// net/http answers a request it cannot parse (431 for headers past MaxHeaderBytes, 400 for a
// malformed request line, header or Host, 501 for an unknown transfer encoding) itself, before any
// handler runs, with a plain-text body written straight to the connection in one Write:
//
//	HTTP/1.1 <status line> + plainErrorHeaders + <text>
//
// jsonErrorListener's connections recognise exactly that write and answer instead with the standard
// JSON error body and the security headers every other answer carries, so a client sees one error
// shape whatever refused it. Nothing else written to the connection is touched: a handler's answer
// never starts with the status line immediately followed by these headers.
const plainErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

// jsonErrorListener wraps the gateway's listener (see plainErrorHeaders).
type jsonErrorListener struct{ net.Listener }

func (l jsonErrorListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return jsonErrorConn{c}, nil
}

type jsonErrorConn struct{ net.Conn }

func (c jsonErrorConn) Write(b []byte) (int, error) {
	answer, ok := jsonServerError(b)
	if !ok {
		return c.Conn.Write(b)
	}
	if _, err := c.Conn.Write(answer); err != nil {
		return 0, err
	}
	return len(b), nil
}

// jsonServerError rewrites one of net/http's own plain-text error answers as a JSON one; ok is false
// for anything else.
func jsonServerError(b []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if !bytes.HasPrefix(b, []byte(proto)) {
		return nil, false
	}
	end := bytes.Index(b, []byte(plainErrorHeaders))
	if end < 0 || bytes.Contains(b[:end], []byte("\r\n")) {
		return nil, false
	}
	line := string(b[len(proto):end]) // "431 Request Header Fields Too Large", "400 Bad Request: malformed Host header"
	status, err := strconv.Atoi(line[:min(3, len(line))])
	if err != nil || status < 400 || status > 599 {
		return nil, false
	}
	message := http.StatusText(status)
	if _, detail, found := strings.Cut(line, ": "); found && detail != "" {
		message = detail
	}
	code := map[int]string{
		http.StatusBadRequest:                  "invalid_request",
		http.StatusRequestHeaderFieldsTooLarge: "headers_too_large",
		http.StatusNotImplemented:              "not_implemented",
	}[status]
	if code == "" {
		code = "invalid_request"
	}
	id := web.NewID()
	body, err := json.Marshal(web.ErrorBody{Error: web.ErrorDetail{Code: code, Message: message, RequestID: id}})
	if err != nil {
		return nil, false
	}
	h := http.Header{}
	web.SecurityHeaders(h)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	h.Set("Connection", "close")
	h.Set(web.RequestIDHeader, id)
	var out bytes.Buffer
	fmt.Fprintf(&out, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	_ = h.Write(&out)
	out.WriteString("\r\n")
	out.Write(body)
	out.WriteString("\n")
	return out.Bytes(), true
}
