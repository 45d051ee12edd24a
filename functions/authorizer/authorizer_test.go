package authorizer_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/octo-drone-shop/serverless/functions/authorizer"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
)

const (
	localIssuer   = "https://auth.octo.test"
	localAudience = "octo-api-test"
	oidcAudience  = "octo-idcs-app"
)

// fixture is an authorizer built from its real configuration path, trusting our issuer (public key
// only, as in production) and an OpenID provider served over a real socket.
type fixture struct {
	handler   http.Handler
	local     *identity.SigningKey
	localPEM  []byte // the public key, what OCTO_TOKEN_PUBLIC_KEYS holds
	localPriv ed25519.PrivateKey
	idp       *idp
}

// idp is an OpenID provider: discovery document and JWKS, with keys that can rotate.
type idp struct {
	*httptest.Server
	mu   sync.Mutex
	keys []jose.JSONWebKey
}

func (p *idp) setKeys(keys ...jose.JSONWebKey) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = keys
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.ParseSigningKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := key.PublicKeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": p.URL, "jwks_uri": p.URL + "/admin/v1/SigningCert/jwk"})
	})
	mux.HandleFunc("GET /admin/v1/SigningCert/jwk", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: p.keys})
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	env := map[string]string{
		"OCTO_TOKEN_ISSUER":      localIssuer,
		"OCTO_TOKEN_AUDIENCE":    localAudience,
		"OCTO_TOKEN_PUBLIC_KEYS": string(pub),
		"OCTO_OIDC_ISSUER":       p.URL,
		"OCTO_OIDC_AUDIENCE":     oidcAudience,
	}
	h, err := authorizer.Build(t.Context(), func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{handler: h, local: key, localPEM: pub, localPriv: priv, idp: p}
}

// invoke sends an authorizer invocation as package serve delivers it and decodes the answer.
func (f *fixture) invoke(t *testing.T, body string) (int, gateway.AuthorizerOutput) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/_invoke", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	var out gateway.AuthorizerOutput
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("answer %q: %v", w.Body.String(), err)
		}
	}
	return w.Code, out
}

func userDefined(token string) string {
	b, _ := json.Marshal(map[string]any{"type": "USER_DEFINED", "data": map[string]string{"token": "Bearer " + token}})
	return string(b)
}

// sign makes a compact JWS of claims with any algorithm, key and header fields.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, typ string, claims map[string]any) string {
	t.Helper()
	opts := &jose.SignerOptions{}
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// claims are valid claims of our issuer; edits override them (nil deletes).
func claims(edits map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": localIssuer, "aud": localAudience, "sub": "42", "scope": "customer", "client_id": identity.ClientID,
		"exp": now.Add(10 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "j1", "customer_id": 5,
	}
	for k, v := range edits {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

func b64(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestAuthorizerRejectsBadTokens(t *testing.T) {
	f := newFixture(t)
	priv := f.localPriv
	kid := f.local.ID()
	valid := sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(nil))
	parts := strings.Split(valid, ".")
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now()

	tests := []struct {
		name, token string
	}{
		{"expired", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"exp": now.Add(-2 * time.Minute).Unix(), "iat": now.Add(-20 * time.Minute).Unix(), "nbf": now.Add(-20 * time.Minute).Unix()}))},
		{"not_yet_valid", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"nbf": now.Add(5 * time.Minute).Unix()}))},
		{"issued_in_the_future", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"iat": now.Add(5 * time.Minute).Unix()}))},
		{"no_exp", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"exp": nil}))},
		{"wrong_issuer", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"iss": "https://evil.test"}))},
		{"wrong_audience", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"aud": "another-api"}))},
		{"alg_none", b64(map[string]string{"alg": "none", "kid": kid, "typ": "at+jwt"}) + "." + b64(claims(nil)) + "."},
		{"hs256_signed_with_the_public_key", sign(t, jose.HS256, f.localPEM, kid, "at+jwt", claims(nil))},
		{"hs256_signed_with_the_raw_public_key", sign(t, jose.HS256, []byte(priv.Public().(ed25519.PublicKey)), kid, "at+jwt", claims(nil))},
		{"unknown_kid", sign(t, jose.EdDSA, priv, "no-such-kid", "at+jwt", claims(nil))},
		{"no_kid", sign(t, jose.EdDSA, priv, "", "at+jwt", claims(nil))},
		{"tampered_payload", parts[0] + "." + b64(claims(map[string]any{"scope": "admin"})) + "." + parts[2]},
		{"wrong_signature", sign(t, jose.EdDSA, otherKey, kid, "at+jwt", claims(nil))},
		{"truncated_signature", parts[0] + "." + parts[1] + "." + parts[2][:10]},
		{"not_an_access_token_typ", sign(t, jose.EdDSA, priv, kid, "JWT", claims(nil))},
		{"sub_not_a_user_id", sign(t, jose.EdDSA, priv, kid, "at+jwt", claims(map[string]any{"sub": "admin"}))},
		{"garbage", "not.a.jwt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := f.invoke(t, userDefined(tt.token))
			if code != http.StatusOK || out.Active || out.Principal != "" || len(out.Scope) != 0 {
				t.Fatalf("answer %d %+v, want 200 inactive", code, out)
			}
			if !strings.Contains(out.WWWAuthenticate, `error="invalid_token"`) {
				t.Fatalf("wwwAuthenticate %q lacks invalid_token", out.WWWAuthenticate)
			}
		})
	}
	t.Run("valid_control_is_active", func(t *testing.T) {
		if _, out := f.invoke(t, userDefined(valid)); !out.Active {
			t.Fatalf("the unmodified token is refused: %+v", out)
		}
	})
}

func TestAuthorizerAcceptsValidTokens(t *testing.T) {
	f := newFixture(t)
	idpKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f.idp.setKeys(jose.JSONWebKey{Key: &idpKey.PublicKey, KeyID: "idcs-1", Algorithm: "RS256", Use: "sig"})
	issue := func(role string, customer int64) string {
		iss, err := identity.NewIssuer(f.local, identity.IssuerOptions{Issuer: localIssuer, Audience: localAudience})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := iss.Issue(identity.Grant{UserID: 42, Scopes: identity.ScopesForRole(role), CustomerID: customer})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	external := func(edits map[string]any) string {
		c := claims(map[string]any{"iss": f.idp.URL, "aud": []string{oidcAudience, "other"}, "sub": "ocid1.user.oc1..staffer",
			"scope": "openid staff", "client_id": "crm-web", "customer_id": nil, "jti": nil})
		for k, v := range edits {
			c[k] = v
		}
		return sign(t, jose.RS256, idpKey, "idcs-1", "", c)
	}
	tests := []struct {
		name, body             string
		principal, scope, cust string
		clientID               string
	}{
		{"customer_token", userDefined(issue("customer", 5)), "user:42", "customer", "5", identity.ClientID},
		{"staff_token_passes_its_permissions", userDefined(issue("support", 0)), "user:42",
			"customer staff crm.customers.read crm.customers.write crm.orders.read crm.shipments.write crm.support", "", identity.ClientID},
		{"admin_token_implies_staff", userDefined(issue("admin", 0)), "user:42", "customer staff admin crm.customers.read crm.customers.write crm.orders.read crm.orders.transition crm.shipments.write crm.support marketing analytics ops", "", identity.ClientID},
		{"token_type_input", `{"type":"TOKEN","token":"` + issue("customer", 5) + `"}`, "user:42", "customer", "5", identity.ClientID},
		{"lower_case_bearer_scheme", `{"type":"USER_DEFINED","data":{"token":"bearer ` + issue("customer", 5) + `"}}`, "user:42", "customer", "5", identity.ClientID},
		{"identity_domain_token", userDefined(external(nil)), "oidc:ocid1.user.oc1..staffer", "customer staff", "", "crm-web"},
		{"identity_domain_permission_kept_for_staff", userDefined(external(map[string]any{"scope": "openid staff crm.support"})),
			"oidc:ocid1.user.oc1..staffer", "customer staff crm.support", "", "crm-web"},
		{"identity_domain_permission_dropped_for_a_customer", userDefined(external(map[string]any{"scope": "customer crm.support"})),
			"oidc:ocid1.user.oc1..staffer", "customer", "", "crm-web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := f.invoke(t, tt.body)
			if code != http.StatusOK || !out.Active {
				t.Fatalf("answer %d %+v, want active", code, out)
			}
			if out.Principal != tt.principal || strings.Join(out.Scope, " ") != tt.scope || out.ClientID != tt.clientID {
				t.Fatalf("principal %q scope %v clientId %q; want %q %q %q", out.Principal, out.Scope, out.ClientID, tt.principal, tt.scope, tt.clientID)
			}
			if out.Context["sub"] != tt.principal || out.Context["scope"] != tt.scope {
				t.Fatalf("context %v: sub and scope must be what the deployment copies into headers", out.Context)
			}
			if got, _ := out.Context["customer_id"].(string); got != tt.cust {
				t.Fatalf("context customer_id %q, want %q", got, tt.cust)
			}
			exp, err := time.Parse(time.RFC3339, out.ExpiresAt)
			if err != nil || exp.Before(time.Now()) || exp.After(time.Now().Add(identity.MaxTokenTTL)) {
				t.Fatalf("expiresAt %q (%v): want an ISO-8601 time within the token's lifetime", out.ExpiresAt, err)
			}
		})
	}
	t.Run("identity_domain_token_for_another_audience_is_inactive", func(t *testing.T) {
		if _, out := f.invoke(t, userDefined(external(map[string]any{"aud": "someone-else"}))); out.Active {
			t.Fatalf("answer %+v, want inactive", out)
		}
	})
	t.Run("identity_domain_cannot_impersonate_a_local_account", func(t *testing.T) {
		_, out := f.invoke(t, userDefined(external(map[string]any{"sub": "42"})))
		if !out.Active || out.Principal != "oidc:42" {
			t.Fatalf("principal %q, want oidc:42 (never user:42)", out.Principal)
		}
	})
}

func TestAuthorizerInvocationShapes(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, body string
		status     int
		challenge  string
	}{
		{"no_token_is_inactive_without_error_code", `{"type":"USER_DEFINED","data":{}}`, http.StatusOK, `Bearer realm="octo"`},
		{"other_scheme_is_inactive", `{"type":"USER_DEFINED","data":{"token":"Basic YWRtaW46YWRtaW4="}}`, http.StatusOK, `Bearer realm="octo"`},
		{"unknown_type_is_a_bad_request", `{"type":"COOKIE","token":"x"}`, http.StatusBadRequest, ""},
		{"malformed_body_is_a_bad_request", `{"type":`, http.StatusBadRequest, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := f.invoke(t, tt.body)
			if code != tt.status || out.Active || out.WWWAuthenticate != tt.challenge {
				t.Fatalf("answer %d %+v, want %d with challenge %q", code, out, tt.status, tt.challenge)
			}
		})
	}
	t.Run("no_http_route_is_served", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/api/auth/me", nil)
		w := httptest.NewRecorder()
		f.handler.ServeHTTP(w, r)
		if w.Code != http.StatusNotFound {
			t.Fatalf("GET /api/auth/me on the authorizer: %d, want 404", w.Code)
		}
	})
}

func TestBuildRefusesConfigurationWithoutIssuer(t *testing.T) {
	_, err := authorizer.Build(t.Context(), func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "no trusted issuer") {
		t.Fatalf("Build without keys or issuer: %v", err)
	}
	_, err = authorizer.Build(t.Context(), func(k string) string {
		return map[string]string{"OCTO_TOKEN_PUBLIC_KEYS": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "OCTO_TOKEN_CLOCK_SKEW": "5m"}[k]
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), "OCTO_TOKEN_CLOCK_SKEW") {
		t.Fatalf("Build with a 5m clock skew: %v", err)
	}
}
