package e2e

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// allowedOrigin is the CORS allow-list the gateway runs with.
const allowedOrigin = "https://shop.example.com"

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

// stack is the local gateway over the built binaries and a migrated, seeded database, as `make run`
// sets it up, with the database open to the test.
type stack struct {
	st     *stacktest.Stack
	url    string
	bundle *manifest.Bundle
	db     *sql.DB
	issuer *identity.Issuer
}

func startStack(t *testing.T) *stack {
	t.Helper()
	st := stacktest.Start(t, stacktest.Options{CORSOrigins: []string{allowedOrigin},
		// Set for the functions too: they must ignore it (one CORS owner, the gateway).
		Env: []string{"OCTO_CORS_ORIGINS=" + allowedOrigin}})
	return &stack{st: st, url: st.URL, bundle: st.Bundle, db: st.DB, issuer: st.Issuer}
}

// response is one answer through the gateway.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request through the stack's client (stacktest.Stack.Do); a non-nil body is sent as JSON.
func (s *stack) do(t *testing.T, method, path string, body any, header map[string]string) response {
	t.Helper()
	pairs := make([]string, 0, 2*len(header))
	for k, v := range header {
		pairs = append(pairs, k, v)
	}
	a := s.st.Do(t, method, path, "", body, pairs...)
	return response{status: a.Status, header: a.Header, body: a.Body}
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
