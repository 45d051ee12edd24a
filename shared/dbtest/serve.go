package dbtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Served is what a function's handler answered to one request, and how many statements it ran.
type Served struct {
	Status     int
	Header     http.Header
	Body       []byte
	Statements int
}

// Serve sends one request to h (a JSON body when body is not empty, plus headers) and counts the
// statements it runs through package db.
func Serve(h http.Handler, method, target, body string, headers map[string]string) Served {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	return Served{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes(), Statements: db.StatsFrom(ctx).Statements}
}

// Decode unmarshals a JSON answer into out, failing the test when it is not JSON of that shape.
func Decode(t testing.TB, body []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// ErrorCode returns the code of a JSON error body, failing the test when the body is not one.
func ErrorCode(t testing.TB, body []byte) string {
	t.Helper()
	var e web.ErrorBody
	Decode(t, body, &e)
	if e.Error.Code == "" {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error.Code
}

// As returns the headers the gateway sets for the seeded user username: its principal and its role's
// scopes (staff permissions included), as a request through the gateway would carry them.
func (d *DB) As(t testing.TB, username string) map[string]string {
	t.Helper()
	var id int64
	var role string
	if err := d.QueryRowContext(context.Background(), `SELECT id, role FROM users WHERE username = :1`, username).Scan(&id, &role); err != nil {
		t.Fatalf("dbtest: seeded user %q: %v", username, err)
	}
	return map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(id), gateway.ScopesHeader: strings.Join(identity.ScopesForRole(role), " ")}
}
