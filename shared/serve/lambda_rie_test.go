package serve

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// rieFunctionTimeout is the function timeout the emulator enforces and turns into the deadline.
const rieFunctionTimeout = 30 * time.Second

// startRIE runs the echo binary under the AWS Lambda Runtime Interface Emulator (its path in
// OCTO_RIE) and returns the invoke URL. The emulator execs the binary as the bootstrap with
// AWS_LAMBDA_RUNTIME_API pointing at its own Runtime API; both listen on free loopback ports.
func startRIE(t *testing.T) string {
	t.Helper()
	rie := requireTool(t, "OCTO_RIE")
	addr := net.JoinHostPort("127.0.0.1", freePort(t))
	cmd := exec.Command(rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", net.JoinHostPort("127.0.0.1", freePort(t)),
		built.echo)
	cmd.Dir = t.TempDir()
	// The emulator forwards its own environment to the function: keep it to what Lambda would set.
	cmd.Env = []string{
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strings.TrimSuffix(rieFunctionTimeout.String(), "s"),
		"AWS_LAMBDA_FUNCTION_NAME=echo",
	}
	startProcess(t, cmd)
	waitFor(t, 5*time.Second, "emulator listening on "+addr, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return "http://" + addr + "/2015-03-31/functions/function/invocations"
}

// invoke posts one event to the emulator and returns the function's result.
func invoke(t *testing.T, url string, event []byte) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read invoke result: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("invoke status = %d: %s", resp.StatusCode, body)
	}
	return body
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/lambda/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// v2Event returns the HTTP API sample event, with its path replaced when rawPath is not empty.
func v2Event(t *testing.T, rawPath string) []byte {
	t.Helper()
	raw := readTestdata(t, "apigw-v2-request.json")
	if rawPath == "" {
		return raw
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	ev.RawPath, ev.RawQueryString, ev.RequestContext.HTTP.Path = rawPath, "", rawPath
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLambdaRuntimeInterfaceEmulator(t *testing.T) {
	url := startRIE(t)
	const sampleBody = `{"sku":"DRN-001","qty":2}`

	t.Run("HTTP API v2 event answers a v2 response with cookies and the decoded body", func(t *testing.T) {
		start := time.Now()
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(invoke(t, url, v2Event(t, "")), &resp); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.IsBase64Encoded {
			t.Errorf("status %d base64 %v, want 200 and a text body", resp.StatusCode, resp.IsBase64Encoded)
		}
		if !slices.Equal(resp.Cookies, []string{"a=1; Path=/", "b=2; Path=/; HttpOnly"}) {
			t.Errorf("cookies = %q", resp.Cookies)
		}
		if got := resp.Headers["X-Echo"]; got != "one,two" {
			t.Errorf("X-Echo = %q, want one,two", got)
		}
		if _, ok := resp.Headers["Set-Cookie"]; ok {
			t.Error("Set-Cookie left in headers")
		}
		e := decodeEcho(t, []byte(resp.Body))
		if e.Method != http.MethodPost || e.Path != "/v1/api/echo" || e.RawQuery != "x=1&x=2&q=drone%20parts" {
			t.Errorf("request = %s %s ? %s", e.Method, e.Path, e.RawQuery)
		}
		if e.Host != "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com" || e.RemoteAddr != "198.51.100.7:0" {
			t.Errorf("host %q remote %q", e.Host, e.RemoteAddr)
		}
		if e.Budget != lambdaBudget.Limit {
			t.Errorf("response budget = %d, want Lambda's %d", e.Budget, lambdaBudget.Limit)
		}
		if e.Body != sampleBody || e.ContentLength != int64(len(sampleBody)) {
			t.Errorf("body %q (length %d), want %q", e.Body, e.ContentLength, sampleBody)
		}
		if got := e.Headers["Cookie"]; !slices.Equal(got, []string{"session=abc123; theme=dark"}) {
			t.Errorf("Cookie = %q", got)
		}
		if got := e.Headers["X-Multi"]; !slices.Equal(got, []string{"alpha,beta"}) {
			t.Errorf("X-Multi = %q", got)
		}
		assertLambdaDeadline(t, e.Deadline, start)
	})

	t.Run("REST v1 event answers multi-value headers with every query and header value", func(t *testing.T) {
		start := time.Now()
		var resp events.APIGatewayProxyResponse
		if err := json.Unmarshal(invoke(t, url, readTestdata(t, "apigw-v1-request.json")), &resp); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.IsBase64Encoded {
			t.Errorf("status %d base64 %v, want 200 and a text body", resp.StatusCode, resp.IsBase64Encoded)
		}
		if got := resp.MultiValueHeaders["X-Echo"]; !slices.Equal(got, []string{"one", "two"}) {
			t.Errorf("X-Echo = %q", got)
		}
		if got := resp.MultiValueHeaders["Set-Cookie"]; len(got) != 2 {
			t.Errorf("Set-Cookie = %q, want two", got)
		}
		e := decodeEcho(t, []byte(resp.Body))
		if e.Method != http.MethodPut || e.Path != "/v1/api/echo" || e.RawQuery != "q=drone+parts&x=1&x=2" {
			t.Errorf("request = %s %s ? %s", e.Method, e.Path, e.RawQuery)
		}
		if e.RemoteAddr != "203.0.113.9:0" || e.Body != sampleBody {
			t.Errorf("remote %q body %q", e.RemoteAddr, e.Body)
		}
		if got := e.Headers["X-Multi"]; !slices.Equal(got, []string{"alpha", "beta"}) {
			t.Errorf("X-Multi = %q, want both values", got)
		}
		assertLambdaDeadline(t, e.Deadline, start)
	})

	t.Run("scheduled event reaches the invoke route with the raw event", func(t *testing.T) {
		event := readTestdata(t, "eventbridge-scheduled.json")
		e := decodeEcho(t, invoke(t, url, event))
		if e.Route != "invoke" || e.Method != http.MethodPost || e.Path != InvokePath {
			t.Errorf("reached %s %s (route %q), want POST %s", e.Method, e.Path, e.Route, InvokePath)
		}
		if got := e.Headers[InvocationHeader]; !slices.Equal(got, []string{InvocationScheduled}) {
			t.Errorf("%s = %q", InvocationHeader, got)
		}
		if e.Body != string(event) {
			t.Errorf("body = %q, want the event", e.Body)
		}
		if len(e.Headers["X-Request-Id"]) != 1 || e.Headers["X-Request-Id"][0] == "" {
			t.Errorf("X-Request-Id = %q, want the Lambda request id", e.Headers["X-Request-Id"])
		}
	})

	t.Run("binary response body is base64-encoded", func(t *testing.T) {
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(invoke(t, url, v2Event(t, "/binary")), &resp); err != nil {
			t.Fatal(err)
		}
		got, err := base64.StdEncoding.DecodeString(resp.Body)
		if !resp.IsBase64Encoded || err != nil || len(got) != 256 || got[0] != 0 || got[255] != 255 {
			t.Errorf("base64 %v, decoded %d bytes (err %v), want 256 bytes 0..255", resp.IsBase64Encoded, len(got), err)
		}
	})

	t.Run("panic answers a 500 response and the next invocation succeeds", func(t *testing.T) {
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(invoke(t, url, v2Event(t, "/panic")), &resp); err != nil {
			t.Fatal(err)
		}
		want := `{"error":{"code":"internal","message":"internal error","request_id":"req-v2-0001"}}`
		if resp.StatusCode != http.StatusInternalServerError || strings.TrimSpace(resp.Body) != want {
			t.Errorf("panic = %d %s, want 500 %s", resp.StatusCode, resp.Body, want)
		}
		var after events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(invoke(t, url, v2Event(t, "/after-panic")), &after); err != nil {
			t.Fatal(err)
		}
		if after.StatusCode != http.StatusOK {
			t.Errorf("after panic: status %d", after.StatusCode)
		}
	})
}

// assertLambdaDeadline checks the handler saw the emulator's deadline: the function timeout after
// the invocation started.
func assertLambdaDeadline(t *testing.T, deadline string, start time.Time) {
	t.Helper()
	got, err := time.Parse(time.RFC3339Nano, deadline)
	if err != nil {
		t.Fatalf("handler deadline %q: %v", deadline, err)
	}
	if earliest, latest := start.Add(rieFunctionTimeout-time.Second), time.Now().Add(rieFunctionTimeout+time.Second); got.Before(earliest) || got.After(latest) {
		t.Errorf("handler deadline = %s, want within [%s, %s]", got, earliest, latest)
	}
}
