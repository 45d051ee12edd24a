package auth_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	testIssuer   = "https://auth.octo.test"
	testAudience = "octo-api-test"
)

// clock is the lockout's clock, advanced by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// env is the auth function over a migrated and seeded embedded database.
type env struct {
	h        http.Handler
	db       *db.DB
	clock    *clock
	verifier *identity.Verifier
}

func newEnv(t *testing.T) *env {
	t.Helper()
	store := dbtest.Open(t, dbtest.Options{Seed: true}).DB
	keyPEM, err := identity.GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.ParseSigningKeyPEM(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: testIssuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := auth.New(store, issuer, log, auth.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	// The security middleware every function runs behind (package boot): it records the lockout's
	// brute_force events.
	h = security.New(security.Config{}, store, nil, log).Middleware(h)
	v, err := identity.NewVerifier(identity.VerifierOptions{Issuers: []identity.TrustedIssuer{{
		Issuer: testIssuer, Audience: testAudience, Keys: identity.StaticKeys{key.Public()}, Local: true}}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{h: h, db: store, clock: clk, verifier: v}
}

// response is one answer of the function.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) error() web.ErrorDetail {
	var eb web.ErrorBody
	_ = json.Unmarshal(r.body, &eb)
	return eb.Error
}

// call sends a request as the gateway forwards it: from client address ip, with headers set.
func (e *env) call(t *testing.T, method, path, ip string, body any, headers map[string]string) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	r := httptest.NewRequest(method, path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set(gateway.RealIPHeader, ip)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

func (e *env) login(t *testing.T, ip, email, password string) response {
	t.Helper()
	return e.call(t, http.MethodPost, "/api/auth/login", ip, map[string]string{"email": email, "password": password}, nil)
}

func (e *env) register(t *testing.T, email, password, name string) response {
	t.Helper()
	return e.call(t, http.MethodPost, "/api/auth/register", "192.0.2.1",
		map[string]string{"email": email, "password": password, "name": name}, nil)
}
