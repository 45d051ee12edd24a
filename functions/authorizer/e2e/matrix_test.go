package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

// stack is the local gateway over the built binaries and a migrated and seeded database, set up as
// `make run` does it.
type stack struct {
	url    string
	bundle *manifest.Bundle
	issuer *identity.Issuer
}

func startStack(t *testing.T) *stack {
	t.Helper()
	st := stacktest.Start(t, stacktest.Options{})
	return &stack{url: st.URL, bundle: st.Bundle, issuer: st.Issuer}
}

// token returns a token of the auth function's shape for the role's scopes.
func (s *stack) token(t *testing.T, role string) string {
	t.Helper()
	tok, err := s.issuer.Issue(identity.Grant{UserID: 1, Scopes: identity.ScopesForRole(role)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (s *stack) do(t *testing.T, method, path, body string, header map[string]string) *http.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var param = regexp.MustCompile(`\{[a-z_0-9]+\}`)

// roles are every users.role a token is issued for, the staff roles with their permissions.
var roles = []string{"customer", "staff", "support", "fulfillment", "marketing", "admin"}

// TestRouteScopeMatrix checks every protected route of the bundle, as the declarations stand when the
// test runs, against every role: 401 without a token; for each role's token (identity.ScopesForRole,
// what the auth function issues), 403 when the role does not hold the route's grant (its permission,
// else its scope) and past the gateway when it does. At least one role must pass each route.
func TestRouteScopeMatrix(t *testing.T) {
	s := startStack(t)
	protected := 0
	for _, rt := range s.bundle.Routes() {
		if rt.Scope == manifest.Public {
			continue
		}
		protected++
		path := param.ReplaceAllString(rt.Path, "1")
		body := ""
		if rt.Method != http.MethodGet && rt.Method != http.MethodDelete {
			body = "{}"
		}
		t.Run(rt.Function+" "+rt.Method+" "+rt.Path, func(t *testing.T) {
			resp := s.do(t, rt.Method, path, body, nil)
			if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("without a token: %d (WWW-Authenticate %q), want 401 with a Bearer challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
			}
			passed := 0
			for _, role := range roles {
				holds := slices.Contains(identity.ScopesForRole(role), rt.Grant())
				resp := s.do(t, rt.Method, path, body, map[string]string{"Authorization": "Bearer " + s.token(t, role)})
				refused := gatewayRefused(t, resp)
				switch {
				case !holds && (resp.StatusCode != http.StatusForbidden || !refused):
					t.Errorf("with a %s token (no %s): %d, want the gateway's 403", role, rt.Grant(), resp.StatusCode)
				case holds && (resp.StatusCode == http.StatusUnauthorized || refused):
					t.Errorf("with a %s token (holds %s): %d, want the gateway to let it through", role, rt.Grant(), resp.StatusCode)
				case holds:
					passed++
				}
			}
			if passed == 0 {
				t.Errorf("no role holds %s: the route is unreachable", rt.Grant())
			}
		})
	}
	if protected == 0 {
		t.Fatal("the bundle declares no protected route: the matrix checked nothing")
	}
}

// gatewayRefused reports whether an answer is the gateway's refusal for a missing grant (a function
// may answer 403 for reasons of its own, such as an account without a customer profile).
func gatewayRefused(t *testing.T, resp *http.Response) bool {
	t.Helper()
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = decode(resp, &e)
	return resp.StatusCode == http.StatusForbidden && strings.HasPrefix(e.Error.Message, "this route needs scope ")
}

// TestTokenFlowThroughTheGateway logs in through the gateway and uses the token: the auth function
// signs, the authorizer binary verifies, the gateway passes the principal, /api/auth/me reads it.
func TestTokenFlowThroughTheGateway(t *testing.T) {
	s := startStack(t)
	login := s.do(t, http.MethodPost, "/api/auth/login", `{"email":"jordan.blake@example.com","password":"`+seed.ShopperPassword+`"}`, nil)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := decode(login, &tok); err != nil || login.StatusCode != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("login: %d %v", login.StatusCode, err)
	}
	tests := []struct {
		name   string
		header map[string]string
		status int
		email  string
	}{
		{"issued_token_reaches_me", map[string]string{"Authorization": "Bearer " + tok.AccessToken}, http.StatusOK, "jordan.blake@example.com"},
		{"forged_principal_header_without_token_is_401", map[string]string{gateway.PrincipalHeader: "user:1", gateway.ScopesHeader: "customer staff admin"}, http.StatusUnauthorized, ""},
		{"forged_principal_header_is_replaced", map[string]string{"Authorization": "Bearer " + tok.AccessToken, gateway.PrincipalHeader: "user:1"}, http.StatusOK, "jordan.blake@example.com"},
		{"tampered_token_is_401", map[string]string{"Authorization": "Bearer " + tamper(tok.AccessToken)}, http.StatusUnauthorized, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := s.do(t, http.MethodGet, "/api/auth/me", "", tt.header)
			var me struct {
				Email string `json:"email"`
			}
			_ = decode(resp, &me)
			if resp.StatusCode != tt.status || me.Email != tt.email {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, me.Email, tt.status, tt.email)
			}
		})
	}
	t.Run("tampered_token_challenge_says_invalid_token", func(t *testing.T) {
		resp := s.do(t, http.MethodGet, "/api/auth/me", "", map[string]string{"Authorization": "Bearer " + tamper(tok.AccessToken)})
		if !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
			t.Fatalf("WWW-Authenticate %q", resp.Header.Get("WWW-Authenticate"))
		}
	})
}

// tamper flips one character of the payload, keeping the signature.
func tamper(token string) string {
	p := strings.Split(token, ".")
	b := []byte(p[1])
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return p[0] + "." + string(b) + "." + p[2]
}

func decode(resp *http.Response, v any) error {
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
