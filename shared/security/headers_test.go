package security_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/security"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	customer := map[string]string{gateway.PrincipalHeader: "user:4", gateway.ScopesHeader: "customer"}
	tests := []struct {
		name, method, target, body string
		header                     map[string]string
		status                     int
		noStore                    bool
	}{
		{"public_success_may_be_cached", "GET", "/api/widgets/1", "", nil, 200, false},
		{"authenticated_success_is_no_store", "GET", "/api/account/widgets/1", "", customer, 200, true},
		{"router_404_is_no_store", "GET", "/api/nothing", "", nil, 404, true},
		{"handler_error_is_no_store", "GET", "/api/widgets/7", "", nil, 404, true},
		{"rejected_attack_is_no_store", "GET", "/api/widgets/1?q=%3Cscript%3E", "", nil, 400, true},
		{"validation_error_is_no_store", "POST", "/api/widgets", `{"x":1}`, nil, 400, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.call(t, tt.method, tt.target, "198.51.100.1", tt.body, tt.header)
			if res.status != tt.status {
				t.Fatalf("%d %s, want %d", res.status, res.body, tt.status)
			}
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
				"Referrer-Policy": "no-referrer", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'"} {
				if got := res.header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := res.header.Get("Cache-Control") == "no-store"; got != tt.noStore {
				t.Errorf("Cache-Control %q, want no-store: %v", res.header.Get("Cache-Control"), tt.noStore)
			}
			if res.header.Get("Access-Control-Allow-Origin") != "" {
				t.Error("CORS header without an allow-list")
			}
		})
	}
}

func TestCORS(t *testing.T) {
	s := newStack(t, security.Config{CORSOrigins: []string{"https://shop.example.com"}}, true)
	preflight := func(origin string) map[string]string {
		return map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type, idempotency-key"}
	}
	t.Run("allowed_origin_gets_its_origin_back_without_credentials", func(t *testing.T) {
		res := s.call(t, "GET", "/api/widgets/1", "198.51.100.2", "", map[string]string{"Origin": "https://shop.example.com"})
		if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" ||
			res.header.Get("Access-Control-Allow-Credentials") != "" || !strings.Contains(strings.Join(res.header.Values("Vary"), ","), "Origin") {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
	t.Run("other_origin_gets_no_cors_headers", func(t *testing.T) {
		res := s.call(t, "GET", "/api/widgets/1", "198.51.100.2", "", map[string]string{"Origin": "https://evil.example"})
		if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
	t.Run("preflight_from_allowed_origin_is_204", func(t *testing.T) {
		res := s.call(t, "OPTIONS", "/api/widgets", "198.51.100.2", "", preflight("https://shop.example.com"))
		if res.status != http.StatusNoContent || res.header.Get("Access-Control-Allow-Origin") != "https://shop.example.com" ||
			!strings.Contains(res.header.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(res.header.Get("Access-Control-Allow-Headers"), "Idempotency-Key") ||
			res.header.Get("Access-Control-Max-Age") == "" {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
	t.Run("preflight_from_other_origin_is_403", func(t *testing.T) {
		res := s.call(t, "OPTIONS", "/api/widgets", "198.51.100.2", "", preflight("https://evil.example"))
		if res.status != http.StatusForbidden || res.header.Get("Access-Control-Allow-Origin") != "" || res.code() != "forbidden" {
			t.Fatalf("%d %v %s", res.status, res.header, res.body)
		}
	})
	t.Run("without_allow_list_preflight_reaches_the_router", func(t *testing.T) {
		plain := newStack(t, security.Config{}, false)
		res := plain.call(t, "OPTIONS", "/api/widgets", "198.51.100.2", "", preflight("https://shop.example.com"))
		if res.status != http.StatusMethodNotAllowed || res.header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d %v", res.status, res.header)
		}
	})
	t.Run("wildcard_never_comes_with_credentials", func(t *testing.T) {
		any := newStack(t, security.Config{CORSOrigins: []string{"*"}}, false)
		res := any.call(t, "GET", "/api/widgets/1", "198.51.100.2", "", map[string]string{"Origin": "https://anyone.example"})
		if res.header.Get("Access-Control-Allow-Origin") != "*" || res.header.Get("Access-Control-Allow-Credentials") != "" {
			t.Fatalf("%v", res.header)
		}
	})
}

func TestConfigFromEnv(t *testing.T) {
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
			cfg, err := security.ConfigFromEnv(func(k string) string {
				if k == security.CORSOriginsEnv {
					return tt.value
				}
				return ""
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || strings.Join(cfg.CORSOrigins, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("origins %q (%v), want %q", cfg.CORSOrigins, err, tt.want)
			}
		})
	}
}
