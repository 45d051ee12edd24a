package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// JWKS defaults.
const (
	DefaultJWKSTTL        = 15 * time.Minute
	DefaultJWKSMinRefetch = 30 * time.Second
	jwksFetchTimeout      = 5 * time.Second
	maxJWKSBytes          = 1 << 20
)

// JWKSOptions configures NewJWKS.
type JWKSOptions struct {
	// URL is the JWK Set document. When empty it is discovered from Issuer's
	// /.well-known/openid-configuration (jwks_uri) on first use.
	URL string
	// Issuer is the OpenID Connect issuer, for discovery; the discovered document must name it.
	Issuer string
	// TTL is how long fetched keys are used before a refetch; DefaultJWKSTTL when zero.
	TTL time.Duration
	// MinRefetch is the least time between two fetches, however many unknown kids arrive (a token
	// with a random kid must not make us hammer the provider); DefaultJWKSMinRefetch when zero.
	MinRefetch time.Duration
	// Client fetches the documents; a client with a 5 s timeout when nil.
	Client *http.Client
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// JWKS is a KeySource over an OpenID Connect provider's JWK Set (an OCI IAM Identity Domain's
// /admin/v1/SigningCert/jwk, for instance), fetched on first use and cached for TTL. A kid not in the
// cache triggers a refetch, at most once per MinRefetch, which is how a key rotation is picked up.
// When a refetch fails, keys already known stay in use (a provider outage does not lock everyone out;
// a rotated-out key stays trusted only until the provider answers again). Build one per container.
type JWKS struct {
	url, issuer     string
	ttl, minRefetch time.Duration
	client          *http.Client
	now             func() time.Time

	mu        sync.Mutex
	jwksURL   string // URL or the discovered jwks_uri
	keys      map[string]VerificationKey
	fetchedAt time.Time
	triedAt   time.Time
}

// NewJWKS builds a JWKS; it fetches nothing yet. Document URLs must be https (http only on a
// loopback address, for tests).
func NewJWKS(opts JWKSOptions) (*JWKS, error) {
	const op = "identity.NewJWKS"
	if opts.URL == "" && opts.Issuer == "" {
		return nil, fmt.Errorf("%s: a JWKS URL or an issuer to discover it from is required", op)
	}
	for _, u := range []string{opts.URL, opts.Issuer} {
		if u == "" {
			continue
		}
		if err := checkFetchURL(u); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultJWKSTTL
	}
	if opts.MinRefetch <= 0 {
		opts.MinRefetch = DefaultJWKSMinRefetch
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: jwksFetchTimeout}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &JWKS{url: opts.URL, issuer: opts.Issuer, ttl: opts.TTL, minRefetch: opts.MinRefetch,
		client: opts.Client, now: opts.Now, jwksURL: opts.URL}, nil
}

// checkFetchURL accepts https URLs, and http ones on loopback hosts.
func checkFetchURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%q must use https", raw)
}

// Key returns the key with the kid, fetching the set when the cache is empty, stale or lacks the kid.
func (j *JWKS) Key(ctx context.Context, kid string) (VerificationKey, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := j.now()
	k, known := j.keys[kid]
	if known && now.Sub(j.fetchedAt) < j.ttl {
		return k, nil
	}
	if j.triedAt.IsZero() || now.Sub(j.triedAt) >= j.minRefetch {
		j.triedAt = now
		keys, err := j.fetch(ctx)
		switch {
		case err == nil:
			j.keys, j.fetchedAt = keys, now
			k, known = keys[kid]
		case !known:
			return VerificationKey{}, fmt.Errorf("identity: JWKS: %w: %w", ErrKeysUnavailable, err)
		}
	}
	if !known {
		return VerificationKey{}, fmt.Errorf("identity: JWKS: kid %q: %w", kid, ErrUnknownKey)
	}
	return k, nil
}

// fetch reads the key set, discovering its URL first if needed.
func (j *JWKS) fetch(ctx context.Context) (map[string]VerificationKey, error) {
	if j.jwksURL == "" {
		u, err := j.discover(ctx)
		if err != nil {
			return nil, err
		}
		j.jwksURL = u
	}
	// Keys are decoded one by one so that one key of a type we do not know does not hide the others.
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := j.getJSON(ctx, j.jwksURL, &set); err != nil {
		return nil, err
	}
	keys := map[string]VerificationKey{}
	for _, raw := range set.Keys {
		var jwk jose.JSONWebKey
		if jwk.UnmarshalJSON(raw) != nil {
			continue
		}
		if jwk.KeyID == "" || (jwk.Use != "" && jwk.Use != "sig") || !jwk.IsPublic() {
			continue
		}
		vk, err := NewVerificationKey(jwk.Key)
		if err != nil || (jwk.Algorithm != "" && jwk.Algorithm != vk.Algorithm) {
			continue // a key type or algorithm we do not accept (EC, short RSA, PS256, ...)
		}
		vk.ID = jwk.KeyID
		keys[vk.ID] = vk
	}
	return keys, nil
}

// discover reads jwks_uri from the issuer's OpenID Connect discovery document.
func (j *JWKS) discover(ctx context.Context) (string, error) {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := j.getJSON(ctx, strings.TrimSuffix(j.issuer, "/")+"/.well-known/openid-configuration", &doc); err != nil {
		return "", err
	}
	if doc.Issuer != j.issuer {
		return "", fmt.Errorf("discovery document names issuer %q, want %q", doc.Issuer, j.issuer)
	}
	if err := checkFetchURL(doc.JWKSURI); err != nil {
		return "", fmt.Errorf("discovered jwks_uri: %w", err)
	}
	return doc.JWKSURI, nil
}

func (j *JWKS) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if len(body) > maxJWKSBytes {
		return fmt.Errorf("GET %s: document exceeds %d bytes", u, maxJWKSBytes)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}
