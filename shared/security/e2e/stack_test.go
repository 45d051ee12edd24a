package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// The repository root, relative to this package, and the binaries TestMain builds.
const root = "../../.."

var binDir string

// allowedOrigin is the CORS allow-list the functions run with.
const allowedOrigin = "https://shop.example.com"

// TestMain builds every function of the bundle (one go build) so the gateway runs the real binaries.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "octo-security-e2e-")
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

// stack is the local gateway over the built binaries and a migrated, seeded database, as `make run`
// sets it up, with the database open to the test.
type stack struct {
	url    string
	bundle *manifest.Bundle
	db     *db.DB
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
	t.Cleanup(func() { _ = pool.Close() })
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
	// Every reading of the rate limiter's clock is an hour later: the corpus sends many requests
	// from one address, and the declared rates are not what these tests are about.
	var tick atomic.Int64
	start := time.Now()
	env := []string{security.CORSOriginsEnv + "=" + allowedOrigin}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OCTO_TOKEN_") && !strings.HasPrefix(kv, security.CORSOriginsEnv+"=") {
			env = append(env, kv)
		}
	}
	g, err := gateway.New(ctx, gateway.Config{
		Root:           root,
		BinDir:         binDir,
		DataDir:        dataDir,
		MaxInstances:   2,
		Env:            env,
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
	return &stack{url: srv.URL, bundle: bundle, db: store, issuer: issuer}
}

// response is one answer through the gateway.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request; a non-nil body is sent as JSON.
func (s *stack) do(t *testing.T, method, path string, body any, header map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
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
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// int runs a query returning one integer.
func (s *stack) int(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// token returns an access token of the auth function's shape for a role's scopes.
func (s *stack) token(t *testing.T, userID int64, role string) string {
	t.Helper()
	tok, err := s.issuer.Issue(identity.Grant{UserID: userID, Scopes: identity.ScopesForRole(role)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
