// Package stacktest runs the whole bundle for end-to-end tests the way `make run` does: every function
// binary built once per test binary, and the local gateway over a migrated and seeded embedded
// database, with the development signing key that the auth function and the authorizer share (no key
// is configured, as locally), so a test can issue tokens the authorizer accepts.
//
// Every answer the gateway gives is checked against the bundle's OpenAPI document (package spec) by
// package conform: an answer that does not conform (undocumented status, body off its schema,
// required header missing) fails the test that started the stack, whichever client received it.
//
// The gateway's rate-limiter clock jumps an hour at every reading: end-to-end tests send many
// requests from one address, and the declared rates are tested by package gateway itself.
package stacktest

import (
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/openapi/conform"
	"github.com/octo-drone-shop/serverless/shared/openapi/spec"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// built is what Main built for the test binary's package: the repository root it was given and the
// directory of the function binaries (empty until Main has built them).
var built struct{ root, binDir string }

// Main is a TestMain body: it builds every function of the bundle at root (the repository root,
// relative to the test's package; one go build, without cgo as make build does) into a temporary
// directory, runs the tests, which Start on those binaries, and removes them:
//
//	func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }
func Main(m *testing.M, root string) int {
	dir, err := os.MkdirTemp("", "octo-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bundle, err := funcyaml.Load(root)
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
	// Static, as make build links them (Makefile; ARCHITECTURE.md, "Cold start").
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build functions: %v\n%s", err, out)
		return 1
	}
	built.root, built.binDir = root, dir
	return m.Run()
}

// Root is the repository root Main was given.
func Root() string { return built.root }

// BinDir is the directory of the function binaries Main built.
func BinDir() string { return built.binDir }

// Options adjusts Start.
type Options struct {
	// Env sets variables for the functions, over the test process's own environment.
	Env []string
	// CORSOrigins is the gateway's CORS allow-list (OCTO_CORS_ORIGINS of make run); functions
	// never answer CORS.
	CORSOrigins []string
}

// Stack is the running bundle.
type Stack struct {
	URL     string           // the gateway
	Bundle  *manifest.Bundle // the declarations it serves
	DB      *sql.DB          // the test's own handle on the functions' database
	Issuer  *identity.Issuer // signs tokens with the functions' development key
	DataDir string
}

// Start migrates and seeds a fresh database and serves the bundle's binaries Main built behind the
// local gateway until the test ends.
func Start(t testing.TB, opts Options) *Stack {
	t.Helper()
	root, binDir := built.root, built.binDir
	if binDir == "" {
		t.Fatal("stacktest.Start: no binaries; the package's TestMain must call stacktest.Main")
	}
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
	store, err := db.Open(ctx, db.Options{Driver: "sqlite", DSN: dbPath, StatementLog: os.Getenv("OCTO_SQL_TRACE_FILE")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	if _, err := seed.Run(ctx, store, seed.Options{}); err != nil {
		t.Fatal(err)
	}
	var tick atomic.Int64
	start := time.Now()
	g, err := gateway.New(ctx, gateway.Config{
		Root:           root,
		BinDir:         binDir,
		DataDir:        dataDir,
		MaxInstances:   2,
		CORSOrigins:    opts.CORSOrigins,
		Env:            environment(os.Environ(), opts.Env),
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		FunctionOutput: io.Discard,
		Now:            func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Hour) },
	})
	if err != nil {
		t.Fatal(err)
	}
	checker, err := conform.New(ctx, spec.JSON)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(checker.Handler(g, func(err error) { t.Errorf("openapi: %v", err) }))
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
	bundle, err := funcyaml.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return &Stack{URL: srv.URL, Bundle: bundle, DB: store, Issuer: issuer, DataDir: dataDir}
}

// environment is the parent's variables without token key settings a developer's shell may hold (the
// functions must use the local development key) and without those extra overrides, then extra.
func environment(parent, extra []string) []string {
	override := map[string]bool{}
	for _, kv := range extra {
		k, _, _ := strings.Cut(kv, "=")
		override[k] = true
	}
	var out []string
	for _, kv := range parent {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "OCTO_TOKEN_") && !override[k] {
			out = append(out, kv)
		}
	}
	return append(out, extra...)
}
