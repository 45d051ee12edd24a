package gateway

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/openapi"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// testfnEcho mirrors internal/testfn's Echo.
type testfnEcho struct {
	PID      int               `json:"pid"`
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Header   http.Header       `json:"header"`
	CallID   string            `json:"call_id"`
	Deadline string            `json:"deadline"`
	Env      map[string]string `json:"env"`
	Body     string            `json:"body"`
}

func newJSONLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }

func do(t *testing.T, method, url string, header map[string]string, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decodeEcho(t *testing.T, body []byte) testfnEcho {
	t.Helper()
	var e testfnEcho
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("echo body %q: %v", body, err)
	}
	return e
}

// assertError checks a gateway-made error: status, code and the standard body with the request id.
func assertError(t *testing.T, resp *http.Response, body []byte, status int, code string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var eb web.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if eb.Error.Code != code || eb.Error.Message == "" {
		t.Errorf("error = %+v, want code %q and a message", eb.Error, code)
	}
	if eb.Error.RequestID == "" || eb.Error.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("request_id = %q, X-Request-Id = %q: want equal and set", eb.Error.RequestID, resp.Header.Get("X-Request-Id"))
	}
	assertSecurityHeaders(t, resp)
	assertNoStore(t, resp)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && resp.Header.Get("Retry-After") == "" {
		t.Errorf("%d without Retry-After", status)
	}
}

func TestPublicRouteForwardsLikeAPIGateway(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)

	before := time.Now()
	resp, body := do(t, "POST", base+"/v1/api/echo?status=201&x=a%20b", map[string]string{
		"Content-Type":     "application/json",
		"X-Custom":         "client-value",
		"X-Octo-Principal": "forged-admin",
		"X-Octo-Scopes":    "admin",
		"X-Real-IP":        "6.6.6.6",
		"X-Forwarded-For":  "10.1.2.3",
		"X-Request-Id":     "client-request-0001",
		"Traceparent":      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	}, `{"hello":"world"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status = %d, want the function's 201; body %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Echo-Out"); got != "from-function" {
		t.Errorf("function response header X-Echo-Out = %q, want from-function", got)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want the function's application/json", got)
	}
	if got := resp.Header.Get("X-Request-Id"); got != "client-request-0001" {
		t.Errorf("X-Request-Id = %q, want the client's", got)
	}
	for k := range resp.Header {
		if strings.HasPrefix(k, "Fn-") {
			t.Errorf("protocol header %s leaked to the client", k)
		}
	}
	e := decodeEcho(t, body)
	checks := []struct {
		name, got, want string
	}{
		{"method", e.Method, "POST"},
		{"request URL with prefix and query as received", e.URL, "/v1/api/echo?status=201&x=a%20b"},
		{"body", e.Body, `{"hello":"world"}`},
		{"client header", e.Header.Get("X-Custom"), "client-value"},
		{"content type", e.Header.Get("Content-Type"), "application/json"},
		{"forged principal stripped", e.Header.Get(PrincipalHeader), ""},
		{"forged scopes stripped", e.Header.Get(ScopesHeader), ""},
		{"real IP is the peer", e.Header.Get(RealIPHeader), "127.0.0.1"},
		{"forwarded-for appended", e.Header.Get(ForwardedForHeader), "10.1.2.3, 127.0.0.1"},
		{"request id forwarded", e.Header.Get("X-Request-Id"), "client-request-0001"},
		{"traceparent forwarded", e.Header.Get("Traceparent"), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		{"FN_APP_NAME", e.Env["FN_APP_NAME"], "octo"},
		{"FN_FN_NAME", e.Env["FN_FN_NAME"], "hello"},
		{"FN_MEMORY", e.Env["FN_MEMORY"], "128"},
		{"FN_TYPE", e.Env["FN_TYPE"], "sync"},
		{"FN_FORMAT", e.Env["FN_FORMAT"], "http-stream"},
		{"config merged, function wins", e.Env["TESTFN_CONFIG"], "from-function"},
		{"local database driver overrides config", e.Env["OCTO_DB_DRIVER"], "sqlite"},
		{"parent environment passed through", e.Env["TESTFN_DIR"], env.dir},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if dsn := e.Env["OCTO_DB_DSN"]; !filepath.IsAbs(dsn) || dsn != filepath.Join(env.cfg.DataDir, "octo.db") {
		t.Errorf("OCTO_DB_DSN = %q, want the absolute %s/octo.db", dsn, env.cfg.DataDir)
	}
	if l := e.Env["FN_LISTENER"]; !strings.HasPrefix(l, "unix:/") || !strings.HasSuffix(l, "/lsnr.sock") || len(l) > 107 {
		t.Errorf("FN_LISTENER = %q, want a short unix:<dir>/lsnr.sock", l)
	}
	if len(e.CallID) < 16 {
		t.Errorf("Fn-Call-Id seen by the function = %q, want a unique id", e.CallID)
	}
	deadline, err := time.Parse(time.RFC3339Nano, e.Deadline)
	if err != nil || deadline.Before(before.Add(29*time.Second)) || deadline.After(time.Now().Add(31*time.Second)) {
		t.Errorf("Fn-Deadline seen by the function = %q, want now + the 30 s timeout", e.Deadline)
	}

	_, body2 := do(t, "GET", base+"/api/echo", nil, "")
	if e2 := decodeEcho(t, body2); e2.CallID == e.CallID {
		t.Errorf("two calls share Fn-Call-Id %q", e.CallID)
	}

	lines := env.logLines(t, "request")
	if len(lines) != 2 {
		t.Fatalf("got %d request log lines, want 2", len(lines))
	}
	l := lines[0]
	if l["method"] != "POST" || l["path"] != "/v1/api/echo" || l["status"] != float64(201) || l["function"] != "hello" ||
		l["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || l["request_id"] != "client-request-0001" {
		t.Errorf("request log line = %v", l)
	}
	if _, ok := l["duration_ms"].(float64); !ok {
		t.Errorf("request log line has no duration_ms: %v", l)
	}
}

func TestTraceIDInRequestLog(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)

	_, body := do(t, "GET", base+"/api/echo", nil, "")
	generated := decodeEcho(t, body).Header.Get("Traceparent")
	do(t, "GET", base+"/api/trace", nil, "")

	lines := env.logLines(t, "request")
	if len(lines) != 2 {
		t.Fatalf("got %d request log lines, want 2", len(lines))
	}
	if id, _ := lines[0]["trace_id"].(string); len(id) != 32 || !strings.Contains(generated, "-"+id+"-") {
		t.Errorf("without a traceparent: logged trace_id %q, forwarded traceparent %q: want a fresh shared id", id, generated)
	}
	if id := lines[1]["trace_id"]; id != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("trace_id = %v, want the one from the function's traceparent", id)
	}
}

func TestRoutingErrors(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)

	tests := []struct {
		name, method, path string
		status             int
		code, allow        string
	}{
		{"unknown API path is not found", "GET", "/api/nothing", 404, "not_found", ""},
		{"path outside /api is not found", "GET", "/", 404, "not_found", ""},
		{"wrong method on a known path is 405 with Allow", "PUT", "/api/echo", 405, "method_not_allowed", "GET, POST"},
		{"wrong method under a deployment prefix is 405", "DELETE", "/v1/api/limited", 405, "method_not_allowed", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, tt.method, base+tt.path, nil, "")
			assertError(t, resp, body, tt.status, tt.code)
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			assertNoStore(t, resp)
		})
	}
}

func TestProtectedRoutesWithoutAuthorizerAreUnauthorized(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)

	resp, body := do(t, "GET", base+"/api/staff", map[string]string{"Authorization": "Bearer staff"}, "")
	assertError(t, resp, body, 401, "unauthorized")
	if resp.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	assertNoStore(t, resp)
}

// assertNoStore checks an error the gateway answered itself is marked uncacheable, as the functions
// mark theirs (package security): a shared cache must not keep a 404 or a 401 for later callers.
func assertNoStore(t *testing.T, resp *http.Response) {
	t.Helper()
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestProtectedRoutesCallTheAuthorizer(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML, "auth": authYAML})
	_, base := env.start(t)

	tests := []struct {
		name, path, token string
		status            int
		code              string
		challenge         string
		principal, scopes string
	}{
		{"no token is unauthorized without calling", "/api/staff", "", 401, "unauthorized", `Bearer realm="octo"`, "", ""},
		{"inactive token is unauthorized with the authorizer's challenge", "/api/staff", "Bearer nobody", 401, "unauthorized", `Bearer error="invalid_token"`, "", ""},
		{"lower scope is forbidden", "/api/staff", "Bearer customer", 403, "forbidden", "", "", ""},
		{"right scope passes with the principal", "/api/staff", "Bearer staff", 200, "", "", "user-staff", "staff"},
		{"admin passes a staff route with both scopes", "/api/staff", "Bearer admin", 200, "", "", "user-admin", "staff admin"},
		{"customer route passes a customer", "/api/private", "Bearer customer", 200, "", "", "user-customer", "customer"},
		// auth: optional on a public route: not the gateway's to check (the function verifies the
		// token); forwarded with Authorization, whatever it is, and without principal headers
		{"optional route forwards a token without a principal", "/api/maybe", "Bearer customer", 200, "", "", "", ""},
		{"optional route forwards even a token the authorizer refuses", "/api/maybe", "Bearer nobody", 200, "", "", "", ""},
		{"unusable authorizer answer is a bad gateway", "/api/staff", "Bearer garbage", 502, "bad_gateway", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{PrincipalHeader: "forged", ScopesHeader: "admin"}
			if tt.token != "" {
				h["Authorization"] = tt.token
			}
			resp, body := do(t, "GET", base+tt.path, h, "")
			if tt.status != 200 {
				assertError(t, resp, body, tt.status, tt.code)
				if got := resp.Header.Get("WWW-Authenticate"); got != tt.challenge {
					t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
				}
				return
			}
			if resp.StatusCode != 200 {
				t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
			}
			e := decodeEcho(t, body)
			wantValues := func(v string) []string {
				if v == "" {
					return nil
				}
				return []string{v}
			}
			if got := e.Header.Values(PrincipalHeader); !slices.Equal(got, wantValues(tt.principal)) {
				t.Errorf("%s = %q, want only %q (the forged copy replaced)", PrincipalHeader, got, tt.principal)
			}
			if got := e.Header.Values(ScopesHeader); !slices.Equal(got, wantValues(tt.scopes)) {
				t.Errorf("%s = %q, want only %q", ScopesHeader, got, tt.scopes)
			}
			if got := e.Header.Get("Authorization"); got != tt.token {
				t.Errorf("Authorization forwarded = %q, want %q", got, tt.token)
			}
		})
	}

	t.Run("optional route without a token is anonymous, forged headers stripped", func(t *testing.T) {
		resp, body := do(t, "GET", base+"/api/maybe", map[string]string{PrincipalHeader: "forged", ScopesHeader: "admin"}, "")
		if resp.StatusCode != 200 {
			t.Fatalf("status = %d; body %s", resp.StatusCode, body)
		}
		if e := decodeEcho(t, body); e.Header.Get(PrincipalHeader) != "" || e.Header.Get(ScopesHeader) != "" {
			t.Errorf("forwarded %s=%q %s=%q, want neither", PrincipalHeader, e.Header.Get(PrincipalHeader), ScopesHeader, e.Header.Get(ScopesHeader))
		}
	})

	input, err := os.ReadFile(filepath.Join(env.dir, "authorizer-input"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"USER_DEFINED","data":{"token":"Bearer garbage"}}`; string(input) != want {
		t.Errorf("authorizer input = %s, want %s", input, want)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)

	resp, body := do(t, "GET", base+"/api/limited", nil, "")
	if resp.StatusCode != 200 {
		t.Fatalf("first call: status %d, want 200; %s", resp.StatusCode, body)
	}
	resp, body = do(t, "GET", base+"/api/limited", nil, "")
	assertError(t, resp, body, 429, "rate_limited")
	if got := resp.Header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if resp, body := do(t, "GET", base+"/api/echo", nil, ""); resp.StatusCode != 200 {
		t.Errorf("an unlimited route of the same client got %d: %s", resp.StatusCode, body)
	}
}

func TestDeadlineExceededIsGatewayTimeoutAndReplacesTheProcess(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hang": hangYAML})
	g, base := env.start(t)
	before := g.PIDs("hang")

	resp, body := do(t, "GET", base+"/api/hang", nil, "")
	assertError(t, resp, body, 504, "timeout")
	waitFor(t, 10*time.Second, "the hung process to be replaced", func() bool {
		now := g.PIDs("hang")
		return len(now) == 1 && now[0] != before[0] && !alive(before[0])
	})
}

// The gateway serves the OpenAPI document it is configured with (by default the bundle's, package
// spec), naming itself as the server; other methods on that path are 405.
func TestServesTheOpenAPIDocumentOfItsRoutes(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	b, err := funcyaml.Load(env.cfg.Root)
	if err != nil {
		t.Fatal(err)
	}
	contracts := map[string][]openapi.Operation{}
	for _, r := range b.Routes() {
		contracts[r.Function] = append(contracts[r.Function], openapi.Operation{Route: r.Pattern()})
	}
	built, err := openapi.Build(b, contracts)
	if err != nil {
		t.Fatal(err)
	}
	if env.cfg.OpenAPI, err = json.Marshal(built); err != nil {
		t.Fatal(err)
	}
	g, base := env.start(t)

	resp, body := do(t, "GET", base+OpenAPIPath, nil, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s = %d %s: %s", OpenAPIPath, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Servers []struct{ URL string }               `json:"servers"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI == "" || len(doc.Servers) != 1 || doc.Servers[0].URL != base {
		t.Fatalf("openapi %q, servers %+v; want the gateway %s", doc.OpenAPI, doc.Servers, base)
	}
	var got []string
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" {
				got = append(got, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(got)
	var want []string
	for _, r := range g.bundle.Routes() {
		want = append(want, r.Pattern())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("documented %v, routed %v", got, want)
	}

	resp, body = do(t, "POST", base+OpenAPIPath, nil, "")
	assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")

	// Unconfigured, it serves the bundle's generated document.
	env.cfg.OpenAPI = nil
	_, base = env.start(t)
	resp, body = do(t, "GET", base+OpenAPIPath, nil, "")
	var served struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &served); err != nil || resp.StatusCode != http.StatusOK || served.Paths["/api/products"] == nil {
		t.Errorf("default document: %d %v, paths %d", resp.StatusCode, err, len(served.Paths))
	}
}
