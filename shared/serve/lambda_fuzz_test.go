package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzLambdaInvoke feeds arbitrary payloads to the Lambda adapter in front of a handler that echoes
// the method and body. Whatever the bytes, the adapter must not panic; an API Gateway event it
// accepts must reach the handler with the event's method and decoded body, and come back as that
// event format's response carrying the handler's status and the same body; any other payload is a
// direct invocation whose result is the handler's body as JSON. The seed corpus is the
// real events under testdata/lambda plus testdata/fuzz/FuzzLambdaInvoke, run by every go test.
func FuzzLambdaInvoke(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "lambda", "*.json"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed events: %v", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, edge := range []string{
		`{"version":"2.0","routeKey":"$default","rawPath":"/a","body":"AAEC/w==","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`,
		`{"version":"2.0","routeKey":"$default","rawPath":"/a","body":"not base64!","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}}`,
		`{"version":"2.0","routeKey":"$default","rawPath":"no-slash","requestContext":{"http":{"method":"GET"}}}`,
		`{"httpMethod":"GET","path":"","multiValueQueryStringParameters":{"a":["1","2"]}}`,
		`{"schedule":"hourly"}`, `not json`, ``,
	} {
		f.Add([]byte(edge))
	}
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Method", r.Method)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusAccepted)
		w.Write(body)
	})
	f.Fuzz(func(t *testing.T, payload []byte) {
		out, err := lambdaAdapter{echo}.Invoke(context.Background(), payload)
		switch kindOf(payload) {
		case eventHTTPAPIv2:
			var ev events.APIGatewayV2HTTPRequest
			if json.Unmarshal(payload, &ev) != nil || err != nil {
				return
			}
			var res events.APIGatewayV2HTTPResponse
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("v2 answer is not a v2 response: %v: %s", err, out)
			}
			checkEcho(t, res.StatusCode, res.Headers["X-Method"], res.Body, res.IsBase64Encoded,
				ev.RequestContext.HTTP.Method, ev.Body, ev.IsBase64Encoded)
		case eventRESTv1:
			var ev events.APIGatewayProxyRequest
			if json.Unmarshal(payload, &ev) != nil || err != nil {
				return
			}
			var res events.APIGatewayProxyResponse
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("v1 answer is not a v1 response: %v: %s", err, out)
			}
			var method string
			if m := res.MultiValueHeaders["X-Method"]; len(m) == 1 {
				method = m[0]
			}
			checkEcho(t, res.StatusCode, method, res.Body, res.IsBase64Encoded, ev.HTTPMethod, ev.Body, ev.IsBase64Encoded)
		default:
			if err != nil {
				return
			}
			want := payload
			switch {
			case len(payload) == 0:
				want = []byte("null")
			case !json.Valid(payload):
				want, _ = json.Marshal(string(payload))
			}
			if !bytes.Equal(out, want) {
				t.Fatalf("direct invoke answered %q, want the handler's body as JSON %q", out, want)
			}
		}
	})
}

func checkEcho(t *testing.T, status int, method, body string, body64 bool, wantMethod, wantBody string, want64 bool) {
	t.Helper()
	decode := func(s string, b64 bool) []byte {
		if !b64 {
			return []byte(s)
		}
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("base64 body %q: %v", s, err)
		}
		return b
	}
	if status != http.StatusAccepted {
		t.Fatalf("status = %d, want the handler's 202", status)
	}
	if method != wantMethod && !(wantMethod == "" && method == http.MethodGet) {
		t.Fatalf("handler saw method %q, event said %q", method, wantMethod)
	}
	if got, want := decode(body, body64), decode(wantBody, want64); !bytes.Equal(got, want) {
		t.Fatalf("body came back %q, event carried %q", got, want)
	}
}
