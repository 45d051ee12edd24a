package security_test

import (
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
