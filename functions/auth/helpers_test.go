package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/notify/notifytest"
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

// env is the auth function over a migrated and seeded embedded database, mailing into mailDir.
type env struct {
	h        http.Handler
	db       *dbtest.DB
	clock    *clock
	verifier *identity.Verifier
	mailDir  string
	drainer  *notify.Drainer
	hashes   *hashCounter
}

// hashCounter counts the password-hash computations of logins, by kind.
type hashCounter struct {
	mu sync.Mutex
	n  map[identity.HashWork]int
}

func (h *hashCounter) count(w identity.HashWork) { h.mu.Lock(); defer h.mu.Unlock(); h.n[w]++ }

func (h *hashCounter) take() map[identity.HashWork]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := h.n
	h.n = map[identity.HashWork]int{}
	return n
}

func newEnv(t testing.TB) *env { return newEnvWith(t, auth.Options{}) }

// newEnvWith is newEnv with options (the clock and hash counter are always the env's).
func newEnvWith(t testing.TB, opts auth.Options) *env {
	t.Helper()
	tdb := dbtest.Open(t, dbtest.Options{Seed: true})
	store := tdb.DB
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
	mailDir := t.TempDir()
	mail := notifytest.Config(t, mailDir)
	drainer, err := mail.NewDrainer(store, log)
	if err != nil {
		t.Fatal(err)
	}
	drainer.Now = clk.now
	// The kick sends at once, in the request, so a test reads the mail right after the answer.
	kick := notify.KickFunc(func(ids ...int64) {
		if _, err := drainer.Send(context.Background(), ids...); err != nil {
			t.Error(err)
		}
	})
	hashes := &hashCounter{n: map[identity.HashWork]int{}}
	h, err := auth.New(store, issuer, log, mail, kick, withEnv(opts, clk.now, hashes.count))
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
	return &env{h: h, db: tdb, clock: clk, verifier: v, mailDir: mailDir, drainer: drainer, hashes: hashes}
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
func (e *env) call(t testing.TB, method, path, ip string, body any, headers map[string]string) response {
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

func (e *env) login(t testing.TB, ip, email, password string) response {
	t.Helper()
	return e.call(t, http.MethodPost, "/api/auth/login", ip, map[string]string{"email": email, "password": password}, nil)
}

func (e *env) register(t testing.TB, email, password, name string) response {
	t.Helper()
	return e.call(t, http.MethodPost, "/api/auth/register", "192.0.2.1",
		map[string]string{"email": email, "password": password, "name": name}, nil)
}

// mailed is one message in the mail directory.
type mailed struct {
	to, subject, text, token string
}

// mailTo returns the messages sent to addr, oldest first, with the token= parameter of their link.
func (e *env) mailTo(t *testing.T, addr string) []mailed {
	t.Helper()
	entries, err := os.ReadDir(e.mailDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	type dated struct {
		m mailed
		d time.Time
	}
	var all []dated
	for _, ent := range entries {
		if !strings.HasSuffix(ent.Name(), ".eml") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(e.mailDir, ent.Name()))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := gomail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		to, _ := msg.Header.AddressList("To")
		if len(to) != 1 || !strings.EqualFold(to[0].Address, addr) {
			continue
		}
		subject, _ := msg.Header.Subject()
		part, err := msg.NextPart() // the text/plain part comes first
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(part.Body)
		m := mailed{to: to[0].Address, subject: subject, text: string(body)}
		if _, rest, ok := strings.Cut(m.text, "?token="); ok {
			m.token = rest[:strings.IndexAny(rest, "\r\n\"<&")]
		}
		info, _ := ent.Info()
		all = append(all, dated{m, info.ModTime()})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d.Before(all[j].d) })
	out := make([]mailed, len(all))
	for i, d := range all {
		out[i] = d.m
	}
	return out
}

// lastMail is the newest message to addr; the test fails when there is none.
func (e *env) lastMail(t *testing.T, addr string) mailed {
	t.Helper()
	ms := e.mailTo(t, addr)
	if len(ms) == 0 {
		t.Fatalf("no mail to %s", addr)
	}
	return ms[len(ms)-1]
}

// me reads the account as its owner would (the principal header the gateway sets).
func (e *env) me(t *testing.T, userID int64) auth.Account {
	t.Helper()
	res := e.call(t, http.MethodGet, "/api/auth/me", "192.0.2.1", nil,
		map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(userID), gateway.ScopesHeader: "customer"})
	var a auth.Account
	if err := json.Unmarshal(res.body, &a); err != nil || res.status != http.StatusOK {
		t.Fatalf("me: %d %s", res.status, res.body)
	}
	return a
}

func withEnv(o auth.Options, now func() time.Time, count func(identity.HashWork)) auth.Options {
	o.Now, o.HashWork = now, count
	return o
}
