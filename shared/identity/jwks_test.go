package identity

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// jwksServer is an OpenID provider's discovery document and key set over a real socket; its keys
// can be rotated and its fetches are counted.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    []jose.JSONWebKey
	fetches atomic.Int32
	down    atomic.Bool
}

func newJWKSServer(t *testing.T, keys ...jose.JSONWebKey) *jwksServer {
	t.Helper()
	s := &jwksServer{keys: keys}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": s.URL, "jwks_uri": s.URL + "/jwks"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		if s.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: s.keys})
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) rotate(keys ...jose.JSONWebKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = keys
}

func newRSAJWK(t *testing.T, kid string) (jose.JSONWebKey, *rsa.PrivateKey) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return jose.JSONWebKey{Key: &k.PublicKey, KeyID: kid, Algorithm: RS256, Use: "sig"}, k
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestJWKSRotationAndRefetchLimit(t *testing.T) {
	oldKey, _ := newRSAJWK(t, "old")
	newKey, _ := newRSAJWK(t, "new")
	srv := newJWKSServer(t, oldKey)
	clk := &clock{t: time.Now()}
	j, err := NewJWKS(JWKSOptions{Issuer: srv.URL, TTL: 10 * time.Minute, MinRefetch: 30 * time.Second, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := func(kid string) error { _, err := j.Key(ctx, kid); return err }

	if err := key("old"); err != nil {
		t.Fatalf("first key: %v", err)
	}
	if err := key("old"); err != nil || srv.fetches.Load() != 1 {
		t.Fatalf("cached key: err %v, %d fetches; want a cache hit", err, srv.fetches.Load())
	}
	srv.rotate(oldKey, newKey)
	if err := key("new"); !errors.Is(err, ErrUnknownKey) || srv.fetches.Load() != 1 {
		t.Fatalf("unknown kid within MinRefetch: err %v, %d fetches; want ErrUnknownKey without a fetch", err, srv.fetches.Load())
	}
	clk.advance(31 * time.Second)
	if err := key("new"); err != nil || srv.fetches.Load() != 2 {
		t.Fatalf("rotated kid after MinRefetch: err %v, %d fetches; want the new key from one refetch", err, srv.fetches.Load())
	}
	if err := key("random"); !errors.Is(err, ErrUnknownKey) || srv.fetches.Load() != 2 {
		t.Fatalf("a burst of random kids: err %v, %d fetches; want no fetch within MinRefetch", err, srv.fetches.Load())
	}

	srv.rotate(newKey)
	srv.down.Store(true)
	clk.advance(11 * time.Minute)
	if err := key("new"); err != nil {
		t.Fatalf("provider down after TTL: %v; want the known key kept", err)
	}
	clk.advance(31 * time.Second)
	if err := key("gone"); !errors.Is(err, ErrKeysUnavailable) {
		t.Fatalf("unknown kid while the provider is down: %v; want ErrKeysUnavailable", err)
	}
	srv.down.Store(false)
	clk.advance(31 * time.Second)
	if err := key("old"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("rotated-out key after the provider is back: %v; want ErrUnknownKey", err)
	}
}

func TestJWKSSkipsKeysItMustNotUse(t *testing.T) {
	good, _ := newRSAJWK(t, "good")
	enc, _ := newRSAJWK(t, "enc")
	enc.Use = "enc"
	ps, _ := newRSAJWK(t, "ps256")
	ps.Algorithm = "PS256"
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	srv := newJWKSServer(t, good, enc, ps,
		jose.JSONWebKey{Key: &small.PublicKey, KeyID: "small"},
		jose.JSONWebKey{Key: pub, KeyID: "okp"})
	j, err := NewJWKS(JWKSOptions{URL: srv.URL + "/jwks"})
	if err != nil {
		t.Fatal(err)
	}
	for kid, usable := range map[string]bool{"good": true, "okp": true, "enc": false, "ps256": false, "small": false} {
		t.Run(kid, func(t *testing.T) {
			k, err := j.Key(context.Background(), kid)
			if usable != (err == nil) {
				t.Fatalf("Key(%s) = %+v, %v; usable=%v", kid, k, err, usable)
			}
		})
	}
}

func TestNewJWKSRefusesPlainHTTPOffLoopback(t *testing.T) {
	for _, u := range []string{"http://idcs.example.com/jwks", "ftp://127.0.0.1/jwks", "not a url"} {
		if _, err := NewJWKS(JWKSOptions{URL: u}); err == nil {
			t.Errorf("NewJWKS(%q) accepted", u)
		}
	}
	if _, err := NewJWKS(JWKSOptions{URL: "https://idcs.example.com/admin/v1/SigningCert/jwk"}); err != nil {
		t.Errorf("https URL refused: %v", err)
	}
}
