package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// The repository root, relative to this package, and the binaries TestMain builds there.
const root = "../../.."

var binDir string

// TestMain builds every function of the bundle (go build of functions/<name>/cmd/<name>, one
// invocation) so the gateway runs the real binaries, the authorizer among them.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "octo-e2e-bin-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		bundle, err := manifest.Load(root)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		args := []string{"build", "-o", dir + string(filepath.Separator)}
		for _, name := range bundle.Names() {
			args = append(args, "./functions/"+name+"/cmd/"+name)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build functions: %v\n%s", err, out)
			return 1
		}
		binDir = dir
		return m.Run()
	}())
}

// stack is the local gateway over the built binaries and a migrated and seeded database, set up as
// `make run` does it.
type stack struct {
	url    string
	bundle *manifest.Bundle
	issuer *identity.Issuer
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ctx := t.Context()
	dataDir := t.TempDir()
	dbPath, err := gateway.DatabasePath(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrate.Run(ctx, pool, "sqlite", migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(ctx, db.Options{Driver: "sqlite", DB: pool})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Run(ctx, store, seed.Options{}); err != nil {
		t.Fatal(err)
	}

	// Every call of the clock is an hour later, so declared rate limits never interfere: the matrix
	// is about scopes.
	var tick atomic.Int64
	start := time.Now()
	g, err := gateway.New(ctx, gateway.Config{
		Root:           root,
		BinDir:         binDir,
		DataDir:        dataDir,
		MaxInstances:   2,
		Env:            withoutTokenKeys(os.Environ()),
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		FunctionOutput: io.Discard,
		Now:            func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	t.Cleanup(func() {
		srv.Close()
		g.Close()
	})
	// No key is configured, as with `make run`: the auth function and the authorizer share the
	// development key they created next to the database. The test signs with it too.
	keyPEM, err := os.ReadFile(filepath.Join(dataDir, identity.LocalKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.ParseSigningKeyPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: identity.DefaultTokenIssuer, Audience: identity.DefaultTokenAudience})
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := manifest.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return &stack{url: srv.URL, bundle: bundle, issuer: issuer}
}

// withoutTokenKeys drops token key settings a developer's shell may hold, so the functions take the
// local development key.
func withoutTokenKeys(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OCTO_TOKEN_") {
			out = append(out, kv)
		}
	}
	return out
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

// lower lists the token roles below a route's scope: each must be refused with 403.
var lower = map[manifest.Scope][]string{
	manifest.Customer: nil,
	manifest.Staff:    {"customer"},
	manifest.Admin:    {"customer", "support"},
}

// right is the least privileged role that holds a scope.
var right = map[manifest.Scope]string{manifest.Customer: "customer", manifest.Staff: "support", manifest.Admin: "admin"}

// TestRouteScopeMatrix checks every protected route of the bundle, as the declarations stand when the
// test runs: 401 without a token, 403 with every lower scope, past the gateway with the right one.
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
			for _, role := range lower[rt.Scope] {
				resp := s.do(t, rt.Method, path, body, map[string]string{"Authorization": "Bearer " + s.token(t, role)})
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("with a %s token: %d, want 403", role, resp.StatusCode)
				}
			}
			role := right[rt.Scope]
			resp = s.do(t, rt.Method, path, body, map[string]string{"Authorization": "Bearer " + s.token(t, role)})
			if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
				t.Errorf("with a %s token: %d, want the gateway to let it through", role, resp.StatusCode)
			}
		})
	}
	if protected == 0 {
		t.Fatal("the bundle declares no protected route: the matrix checked nothing")
	}
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
