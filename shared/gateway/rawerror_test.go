package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// TestServerLevelErrorsAreJSON sends requests net/http refuses before any handler runs: they were
// plain text without the security headers; they are the standard JSON error now.
func TestServerLevelErrorsAreJSON(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.SocketRoot = t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env.cfg.Listener = ln
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = Run(ctx, env.cfg) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	addr := ln.Addr().String()
	waitFor(t, 10*time.Second, "the gateway to serve", func() bool {
		resp, err := http.Get("http://" + addr + "/api/nothing")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	for _, tc := range []struct {
		name, request string
		status        int
		code          string
	}{
		{"headers_too_large_is_431", "GET /api/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 1<<20+4096) + "\r\n\r\n", 431, "headers_too_large"},
		{"malformed_host_is_400", "GET /api/echo HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "invalid_request"},
		{"malformed_header_name_is_400", "GET /api/echo HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400, "invalid_request"},
		{"missing_host_is_400", "GET /api/echo HTTP/1.1\r\n\r\n", 400, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			go func() { _, _ = io.WriteString(c, tc.request) }()
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			var eb web.ErrorBody
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/json" ||
				json.Unmarshal(body, &eb) != nil || eb.Error.Code != tc.code || eb.Error.Message == "" {
				t.Fatalf("= %d %s %q, want %d JSON %s", resp.StatusCode, resp.Header.Get("Content-Type"), body, tc.status, tc.code)
			}
			if eb.Error.RequestID == "" || eb.Error.RequestID != resp.Header.Get(web.RequestIDHeader) {
				t.Errorf("request id %q, header %q", eb.Error.RequestID, resp.Header.Get(web.RequestIDHeader))
			}
			assertSecurityHeaders(t, resp)
			assertNoStore(t, resp)
		})
	}
	t.Run("handler_answers_are_untouched", func(t *testing.T) {
		resp, body := do(t, "GET", "http://"+addr+"/api/echo", nil, "")
		if resp.StatusCode != 200 || decodeEcho(t, body).Method != "GET" {
			t.Fatalf("= %d %s", resp.StatusCode, body)
		}
	})
}

// assertSecurityHeaders checks the headers every answer carries, a function's or the gateway's.
func assertSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'", "Referrer-Policy": "no-referrer",
		"Strict-Transport-Security": "max-age=31536000"} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

// TestOversizedBodyIsTheStandardError: the gateway's 413 (OCI API Gateway's payload limit) is the
// JSON error with the security headers.
func TestOversizedBodyIsTheStandardError(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)
	resp, body := do(t, "POST", base+"/api/echo", map[string]string{"Content-Type": "application/json"},
		strings.Repeat("x", MaxPayload+1))
	assertError(t, resp, body, http.StatusRequestEntityTooLarge, "payload_too_large")
}
