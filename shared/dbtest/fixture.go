package dbtest

import (
	"database/sql"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/security"
)

// Fixture is a function's handler on a freshly seeded database, behind the security middleware as
// boot wires it (request checks, attack rules, security events stored): what a function's handler
// tests send their requests to.
type Fixture struct {
	DB *DB
	H  http.Handler
}

// OpenFixture opens a seeded database (Open with Seed) and builds the function's handler on it with
// build, which gets the pool and a logger that writes nowhere.
func OpenFixture(t testing.TB, build func(*sql.DB, *slog.Logger) (http.Handler, error)) Fixture {
	t.Helper()
	d := Open(t, Options{Seed: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := build(d.DB, log)
	if err != nil {
		t.Fatal(err)
	}
	return Fixture{DB: d, H: security.New(security.Config{}, d.DB, nil, log).Middleware(h)}
}

// Response is an answer as handler tests read it: the status, the body as text, the ETag and the
// statements the request ran.
type Response struct {
	Status     int
	Body       string
	ETag       string
	Statements int
}

// Do sends one request (Serve) with headers, and extra header name/value pairs on top of them.
func (f Fixture) Do(method, target, body string, headers map[string]string, extra ...string) Response {
	h := make(map[string]string, len(headers)+len(extra)/2)
	maps.Copy(h, headers)
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	s := Serve(f.H, method, target, body, h)
	return Response{Status: s.Status, Body: string(s.Body), ETag: s.Header.Get("ETag"), Statements: s.Statements}
}
