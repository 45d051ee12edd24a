package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// echoed is the body internal/echofn answers with.
type echoed struct {
	Route         string              `json:"route"`
	Method        string              `json:"method"`
	Path          string              `json:"path"`
	RawQuery      string              `json:"raw_query"`
	RequestURI    string              `json:"request_uri"`
	Host          string              `json:"host"`
	RemoteAddr    string              `json:"remote_addr"`
	Headers       map[string][]string `json:"headers"`
	Body          string              `json:"body"`
	ContentLength int64               `json:"content_length"`
	Deadline      string              `json:"deadline"`
	Budget        int                 `json:"response_budget"`
	CtxErr        string              `json:"ctx_err"`
}

func decodeEcho(t *testing.T, body []byte) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("decode echo %q: %v", body, err)
	}
	return e
}

// fnDeadlineFormat is how the Fn agent writes Fn-Deadline: RFC 3339 with milliseconds.
const fnDeadlineFormat = "2006-01-02T15:04:05.000Z07:00"

// fnAgent plays the OCI Functions agent for one function process: it owns the unix socket
// directory, waits for the FDK's readiness symlink and sends calls over HTTP/1.1 on the socket.
type fnAgent struct {
	proc   *process
	client *http.Client
}

// startFn starts bin the way the OCI agent does and waits for it to be ready.
func startFn(t *testing.T, bin string) *fnAgent {
	t.Helper()
	// Short directory: a unix socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "fn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "lsnr.sock")
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"FN_FORMAT=http-stream",
		"FN_LISTENER=unix:" + sock,
		"FN_APP_NAME=octo",
		"FN_FN_NAME=echo",
		"FN_MEMORY=256",
	}
	proc := startProcess(t, cmd)
	// The agent treats the relative symlink lsnr.sock -> phonylsnr.sock as "ready", within 5 s.
	waitFor(t, 5*time.Second, "readiness symlink "+sock, func() bool {
		target, err := os.Readlink(sock)
		return err == nil && target == "phonylsnr.sock"
	})
	return &fnAgent{proc: proc, client: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		},
	}}}
}

// call sends one POST /call with the given agent headers and body, failing the test on any error.
func (a *fnAgent) call(t *testing.T, header http.Header, body string) (*http.Response, []byte) {
	t.Helper()
	resp, b, err := a.do(header, body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// do sends one POST /call; the FDK always answers the agent 200, anything else is an error.
func (a *fnAgent) do(header http.Header, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, "http://localhost/call", strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header = header
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("POST /call: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("read /call response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("agent status = %d, want 200", resp.StatusCode)
	}
	return resp, b, nil
}

// gatewayCall is the header set API Gateway's forwarding produces for method and url.
func gatewayCall(callID, method, url string, deadline time.Time) http.Header {
	return http.Header{
		"Fn-Call-Id":          {callID},
		"Fn-Deadline":         {deadline.UTC().Format(fnDeadlineFormat)},
		"Fn-Intent":           {"httprequest"},
		"Fn-Http-Method":      {method},
		"Fn-Http-Request-Url": {url},
		"Content-Type":        {"application/json"},
	}
}

func TestOCIFunctionsProtocol(t *testing.T) {
	fn := startFn(t, built.echo)

	t.Run("gateway call round-trips status, headers and body through Fn-Http-*", func(t *testing.T) {
		h := gatewayCall("call-1", http.MethodPut, "/v1/api/echo?x=1&x=2&status=201", time.Now().Add(30*time.Second))
		h.Set("Fn-Http-H-Host", "api.octo.example")
		h.Set("Fn-Http-H-X-Request-Id", "req-1")
		h["Fn-Http-H-Accept"] = []string{"application/json", "text/plain"}
		resp, body := fn.call(t, h, `{"sku":"DRN-001"}`)

		if got := resp.Header.Get("Fn-Http-Status"); got != "201" {
			t.Errorf("Fn-Http-Status = %q, want 201", got)
		}
		if got := resp.Header.Values("Fn-Http-H-X-Echo"); !slices.Equal(got, []string{"one", "two"}) {
			t.Errorf("Fn-Http-H-X-Echo = %q, want [one two]", got)
		}
		if got := resp.Header.Values("Fn-Http-H-Set-Cookie"); !slices.Equal(got, []string{"a=1; Path=/", "b=2; Path=/; HttpOnly"}) {
			t.Errorf("Fn-Http-H-Set-Cookie = %q", got)
		}
		if got := resp.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", got)
		}
		e := decodeEcho(t, body)
		if e.Method != http.MethodPut || e.Path != "/v1/api/echo" || e.RawQuery != "x=1&x=2&status=201" ||
			e.RequestURI != "/v1/api/echo?x=1&x=2&status=201" || e.Host != "api.octo.example" {
			t.Errorf("request line = %s %s ? %s (uri %s, host %s)", e.Method, e.Path, e.RawQuery, e.RequestURI, e.Host)
		}
		if e.Body != `{"sku":"DRN-001"}` {
			t.Errorf("body = %q", e.Body)
		}
		if e.Budget != fdkBudget.Limit || fdkBudget.Limit != MaxResponse-headerReserve {
			t.Errorf("response budget = %d, want OCI Functions' %d", e.Budget, fdkBudget.Limit)
		}
		if got := e.Headers["Accept"]; !slices.Equal(got, []string{"application/json", "text/plain"}) {
			t.Errorf("Accept = %q, want both values", got)
		}
		if got := e.Headers["X-Request-Id"]; !slices.Equal(got, []string{"req-1"}) {
			t.Errorf("X-Request-Id = %q", got)
		}
		for k := range e.Headers {
			if strings.HasPrefix(k, "Fn-") || k == "Host" {
				t.Errorf("handler saw header %s", k)
			}
		}
	})

	t.Run("panic answers 500 JSON and the next call on the same process succeeds", func(t *testing.T) {
		h := gatewayCall("call-2", http.MethodGet, "/panic", time.Now().Add(30*time.Second))
		h.Set("Fn-Http-H-X-Request-Id", "req-panic")
		resp, body := fn.call(t, h, "")
		if got := resp.Header.Get("Fn-Http-Status"); got != "500" {
			t.Errorf("Fn-Http-Status = %q, want 500", got)
		}
		want := `{"error":{"code":"internal","message":"internal error","request_id":"req-panic"}}`
		if strings.TrimSpace(string(body)) != want {
			t.Errorf("body = %s, want %s", body, want)
		}
		resp, body = fn.call(t, gatewayCall("call-3", http.MethodGet, "/v1/api/after-panic", time.Now().Add(30*time.Second)), "")
		if got := resp.Header.Get("Fn-Http-Status"); got != "200" {
			t.Errorf("after panic: Fn-Http-Status = %q, want 200", got)
		}
		if e := decodeEcho(t, body); e.Path != "/v1/api/after-panic" {
			t.Errorf("after panic: path = %q", e.Path)
		}
		if !fn.proc.alive() {
			t.Error("function process exited")
		}
	})

	t.Run("Fn-Deadline becomes the request context deadline", func(t *testing.T) {
		deadline := time.Now().Add(20 * time.Second).Truncate(time.Millisecond)
		_, body := fn.call(t, gatewayCall("call-4", http.MethodGet, "/v1/api/echo", deadline), "")
		got, err := time.Parse(time.RFC3339Nano, decodeEcho(t, body).Deadline)
		if err != nil {
			t.Fatalf("handler deadline: %v", err)
		}
		if !got.Equal(deadline) {
			t.Errorf("handler deadline = %s, want %s", got, deadline)
		}
	})

	t.Run("short Fn-Deadline cancels a slow handler at the deadline", func(t *testing.T) {
		start := time.Now()
		_, body := fn.call(t, gatewayCall("call-5", http.MethodGet, "/sleep?ms=10000", start.Add(300*time.Millisecond)), "")
		if e := decodeEcho(t, body); e.CtxErr != context.DeadlineExceeded.Error() {
			t.Errorf("ctx_err = %q, want %q", e.CtxErr, context.DeadlineExceeded)
		}
		if elapsed := time.Since(start); elapsed > 3*time.Second {
			t.Errorf("call took %s, want about 300ms", elapsed)
		}
	})

	t.Run("call without Fn-Intent reaches the invoke route with the body", func(t *testing.T) {
		h := http.Header{
			"Fn-Call-Id":   {"sched-1"},
			"Fn-Deadline":  {time.Now().Add(30 * time.Second).UTC().Format(fnDeadlineFormat)},
			"Content-Type": {"application/json"},
		}
		_, body := fn.call(t, h, `{"rollup":"hourly"}`)
		e := decodeEcho(t, body)
		if e.Route != "invoke" || e.Method != http.MethodPost || e.Path != InvokePath {
			t.Errorf("reached %s %s (route %q), want POST %s", e.Method, e.Path, e.Route, InvokePath)
		}
		if e.Body != `{"rollup":"hourly"}` {
			t.Errorf("body = %q", e.Body)
		}
		if got := e.Headers[InvocationHeader]; !slices.Equal(got, []string{InvocationScheduled}) {
			t.Errorf("%s = %q", InvocationHeader, got)
		}
		if got := e.Headers["X-Request-Id"]; !slices.Equal(got, []string{"sched-1"}) {
			t.Errorf("X-Request-Id = %q, want the call id", got)
		}
		if _, ok := e.Headers["Fn-Call-Id"]; ok {
			t.Error("handler saw the agent's Fn-Call-Id header")
		}
	})
}

func TestOCIFunctionsShutdownDrainsInFlightCall(t *testing.T) {
	fn := startFn(t, built.echo)
	type result struct {
		status string
		body   []byte
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, body, err := fn.do(gatewayCall("call-1", http.MethodGet, "/sleep?ms=500", time.Now().Add(30*time.Second)), "")
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{status: resp.Header.Get("Fn-Http-Status"), body: body}
	}()
	waitFor(t, 5*time.Second, "the call to reach the handler", func() bool {
		return strings.Contains(fn.proc.out.String(), "echofn: sleep started")
	})
	if err := fn.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("in-flight call: %v", r.err)
		}
		if e := decodeEcho(t, r.body); r.status != "200" || e.Route != "sleep" || e.CtxErr != "" {
			t.Errorf("in-flight call = status %s route %q ctx_err %q, want 200 sleep without error", r.status, e.Route, e.CtxErr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("in-flight call did not complete")
	}
	select {
	case <-fn.proc.exited:
		if fn.proc.err != nil {
			t.Errorf("process exit: %v, want status 0", fn.proc.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("process did not exit after SIGTERM")
	}
}

func TestFDKHelloBaseline(t *testing.T) {
	fn := startFn(t, built.hello)
	resp, body := fn.call(t, gatewayCall("call-1", http.MethodGet, "/hello", time.Now().Add(30*time.Second)), "")
	if got := resp.Header.Get("Fn-Http-Status"); got != "200" || string(body) != "hello" {
		t.Errorf("hello = status %q body %q, want 200 hello", got, body)
	}
}
