package gateway

import (
	"net/http"
	"testing"
)

// TestPreflightReachesTheRoutesFunction checks CORS preflights as API Gateway treats them: sent to
// the function of the route the browser asks about, without the authorizer and the rate limit (the
// function answers from its allow-list, package security).
func TestPreflightReachesTheRoutesFunction(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)
	preflight := func(method string) map[string]string {
		return map[string]string{"Origin": "https://shop.example.com", "Access-Control-Request-Method": method}
	}

	t.Run("protected_route_is_forwarded_without_a_token", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/private", preflight("GET"), "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want the function's answer; %s", resp.StatusCode, body)
		}
		if e := decodeEcho(t, body); e.Method != "OPTIONS" || e.Header.Get(PrincipalHeader) != "" {
			t.Fatalf("function saw %s with principal %q", e.Method, e.Header.Get(PrincipalHeader))
		}
	})
	t.Run("rate_limited_route_does_not_spend_tokens", func(t *testing.T) {
		for range 3 {
			if resp, body := do(t, "OPTIONS", base+"/api/limited", preflight("GET"), ""); resp.StatusCode != http.StatusOK {
				t.Fatalf("preflight status %d; %s", resp.StatusCode, body)
			}
		}
		if resp, body := do(t, "GET", base+"/api/limited", nil, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("first real call after preflights: %d; %s", resp.StatusCode, body)
		}
	})
	t.Run("options_without_preflight_headers_is_405", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/echo", nil, "")
		assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	})
	t.Run("preflight_for_an_undeclared_method_is_405", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/echo", preflight("DELETE"), "")
		assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	})
}

func TestRateLimitIsLoggedAsSecurityEvent(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)
	do(t, "GET", base+"/api/limited", nil, "")
	if resp, _ := do(t, "GET", base+"/api/limited", nil, ""); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status %d, want 429", resp.StatusCode)
	}
	lines := env.logLines(t, "security event")
	if len(lines) != 1 || lines[0]["attack_type"] != "rate_limit" || lines[0]["source_ip"] != "127.0.0.1" ||
		lines[0]["route"] != "GET /api/limited" {
		t.Fatalf("security event lines %v", lines)
	}
}
