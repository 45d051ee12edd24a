package identity

import (
	"net/http/httptest"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

func TestFromRequest(t *testing.T) {
	tests := []struct {
		name, principal, scopes string
		wantUser                int64
		wantErr                 bool
	}{
		{"local_account", "user:42", "customer staff", 42, false},
		{"external_subject", "oidc:ocid1.user.oc1..abc", "customer staff admin", 0, false},
		{"missing_header_unauthorized", "", "", 0, true},
		{"malformed_local_id_unauthorized", "user:abc", "customer", 0, true},
		{"negative_local_id_unauthorized", "user:-1", "customer", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/auth/me", nil)
			if tt.principal != "" {
				r.Header.Set(gateway.PrincipalHeader, tt.principal)
				r.Header.Set(gateway.ScopesHeader, tt.scopes)
			}
			p, err := FromRequest(r)
			if tt.wantErr {
				if apperr.KindOf(err) != apperr.Unauthorized {
					t.Fatalf("err = %v, want unauthorized", err)
				}
				return
			}
			if err != nil || p.ID != tt.principal || p.UserID != tt.wantUser || !p.HasScope(manifest.Customer) {
				t.Fatalf("FromRequest = %+v, %v", p, err)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		name, realIP, xff, remote, want string
	}{
		{"real_ip_wins", "203.0.113.7", "10.0.0.1, 198.51.100.2", "127.0.0.1:5000", "203.0.113.7"},
		{"last_forwarded_entry_when_no_real_ip", "", "6.6.6.6, 198.51.100.2", "127.0.0.1:5000", "198.51.100.2"},
		{"garbage_real_ip_ignored", "not-an-ip", "", "192.0.2.9:1234", "192.0.2.9"},
		{"ipv6_remote", "", "", "[2001:db8::1]:443", "2001:db8::1"},
		{"nothing_usable", "", "", "", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/auth/login", nil)
			r.RemoteAddr = tt.remote
			if tt.realIP != "" {
				r.Header.Set(gateway.RealIPHeader, tt.realIP)
			}
			if tt.xff != "" {
				r.Header.Set(gateway.ForwardedForHeader, tt.xff)
			}
			if got := ClientIP(r); got != tt.want {
				t.Fatalf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}
