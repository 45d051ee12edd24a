package gateway

import (
	"net/http"
	"strings"
	"testing"
)

// TestCORSIsTheGatewaysAlone checks CORS as API Gateway's deployment policy answers it: preflights
// for declared routes are answered by the gateway itself, before the authorizer, the rate limit and
// the function (no process sees them), and ordinary answers carry the allow-list's headers once.
func TestCORSIsTheGatewaysAlone(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.CORSOrigins = []string{"https://shop.example.com"}
	_, base := env.start(t)
	preflight := func(origin, method string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": method,
			"Access-Control-Request-Headers": "content-type, idempotency-key"}
	}

	t.Run("preflight_of_a_protected_route_is_204_without_a_token", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/private", preflight("https://shop.example.com", "GET"), "")
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") || resp.Header.Get("Access-Control-Max-Age") == "" ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "" || len(body) != 0 {
			t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
		}
	})
	t.Run("preflight_from_another_origin_is_403", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/echo", preflight("https://evil.example", "GET"), "")
		assertError(t, resp, body, http.StatusForbidden, "forbidden")
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("refused origin got %v", resp.Header)
		}
	})
	t.Run("rate_limited_route_does_not_spend_tokens", func(t *testing.T) {
		for range 3 {
			if resp, body := do(t, "OPTIONS", base+"/api/limited", preflight("https://shop.example.com", "GET"), ""); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("preflight status %d; %s", resp.StatusCode, body)
			}
		}
		if resp, body := do(t, "GET", base+"/api/limited", nil, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("first real call after preflights: %d; %s", resp.StatusCode, body)
		}
	})
	t.Run("answers_carry_the_origin_once", func(t *testing.T) {
		resp, body := do(t, "GET", base+"/api/echo", map[string]string{"Origin": "https://shop.example.com"}, "")
		if resp.StatusCode != http.StatusOK || len(resp.Header.Values("Access-Control-Allow-Origin")) != 1 ||
			resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
			t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
		}
	})
	t.Run("errors_carry_it_too", func(t *testing.T) {
		resp, _ := do(t, "GET", base+"/api/nothing", map[string]string{"Origin": "https://shop.example.com"}, "")
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("another_origin_gets_no_cors_headers", func(t *testing.T) {
		resp, _ := do(t, "GET", base+"/api/echo", map[string]string{"Origin": "https://evil.example"}, "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d %v", resp.StatusCode, resp.Header)
		}
	})
	t.Run("options_without_preflight_headers_is_405", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/echo", nil, "")
		assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	})
	t.Run("preflight_for_an_undeclared_method_is_405", func(t *testing.T) {
		resp, body := do(t, "OPTIONS", base+"/api/echo", preflight("https://shop.example.com", "DELETE"), "")
		assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	})
}

// Without an allow-list the gateway answers no CORS: a preflight is an OPTIONS like any other (405).
func TestNoCORSWithoutAnAllowList(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	_, base := env.start(t)
	resp, body := do(t, "OPTIONS", base+"/api/echo", map[string]string{"Origin": "https://shop.example.com", "Access-Control-Request-Method": "GET"}, "")
	assertError(t, resp, body, http.StatusMethodNotAllowed, "method_not_allowed")
	resp, _ = do(t, "GET", base+"/api/echo", map[string]string{"Origin": "https://shop.example.com"}, "")
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS header without an allow-list: %v", resp.Header)
	}
}

func TestWildcardCORSNeverComesWithCredentials(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.CORSOrigins = []string{"*"}
	_, base := env.start(t)
	resp, _ := do(t, "GET", base+"/api/echo", map[string]string{"Origin": "https://anyone.example"}, "")
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("%v", resp.Header)
	}
}

func TestParseCORSOrigins(t *testing.T) {
	tests := []struct {
		name, value string
		want        []string
		err         string
	}{
		{"unset_disables_cors", "", nil, ""},
		{"exact_origins_are_listed", " https://shop.example.com, http://localhost:5173 ", []string{"https://shop.example.com", "http://localhost:5173"}, ""},
		{"wildcard_alone_is_accepted", "*", []string{"*"}, ""},
		{"wildcard_with_others_is_refused", "*,https://shop.example.com", nil, "cannot be combined"},
		{"path_is_refused", "https://shop.example.com/app", nil, "scheme://host"},
		{"wildcard_subdomain_is_refused", "https://*.example.com", nil, "scheme://host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCORSOrigins(tt.value)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("origins %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
