package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
)

// Clock skew tolerated on exp, nbf and iat.
const (
	DefaultClockSkew = 30 * time.Second
	MaxClockSkew     = 60 * time.Second
)

// maxTokenBytes bounds the compact serialization a Verifier parses.
const maxTokenBytes = 16 << 10

// maxSubjectBytes bounds a subject, which travels as a header value.
const maxSubjectBytes = 255

// Errors Verify returns. Every rejected token wraps ErrInvalidToken (the text after it is the reason,
// for logs only); ErrKeysUnavailable means the issuer's keys could not be fetched and the token could
// not be checked.
var (
	ErrInvalidToken    = errors.New("invalid token")
	ErrUnknownKey      = errors.New("unknown key id")
	ErrKeysUnavailable = errors.New("issuer keys unavailable")
)

// KeySource finds the verification key a token's kid names; it returns an error wrapping
// ErrUnknownKey when it has none, and one wrapping ErrKeysUnavailable when it cannot tell.
type KeySource interface {
	Key(ctx context.Context, kid string) (VerificationKey, error)
}

// StaticKeys is a KeySource over fixed keys: our own signing key's public half, and during a
// rotation the previous one.
type StaticKeys []VerificationKey

// Key returns the key with the kid.
func (s StaticKeys) Key(_ context.Context, kid string) (VerificationKey, error) {
	for _, k := range s {
		if k.ID == kid {
			return k, nil
		}
	}
	return VerificationKey{}, fmt.Errorf("identity: kid %q: %w", kid, ErrUnknownKey)
}

// TrustedIssuer is an issuer whose tokens a Verifier accepts.
type TrustedIssuer struct {
	Issuer   string    // the iss claim, matched exactly
	Audience string    // must be one of the aud claim's values
	Keys     KeySource // StaticKeys for our own issuer, *JWKS for an OpenID Connect provider
	// Local marks our own auth function: its subjects are user ids (principal "user:<id>") and its
	// customer_id claim is read. Subjects of other issuers become "oidc:<sub>".
	Local bool
	// ScopePrefix is removed from an external issuer's scope values before they are matched.
	ScopePrefix string
}

// VerifierOptions configures NewVerifier.
type VerifierOptions struct {
	Issuers   []TrustedIssuer
	ClockSkew time.Duration    // DefaultClockSkew when zero; at most MaxClockSkew
	Now       func() time.Time // time.Now when nil
}

// Verifier checks access tokens from its trusted issuers.
type Verifier struct {
	issuers map[string]TrustedIssuer
	skew    time.Duration
	now     func() time.Time
}

// NewVerifier builds a Verifier; every issuer needs an iss, an audience and keys.
func NewVerifier(opts VerifierOptions) (*Verifier, error) {
	const op = "identity.NewVerifier"
	if len(opts.Issuers) == 0 {
		return nil, fmt.Errorf("%s: no trusted issuer", op)
	}
	if opts.ClockSkew == 0 {
		opts.ClockSkew = DefaultClockSkew
	}
	if opts.ClockSkew < 0 || opts.ClockSkew > MaxClockSkew {
		return nil, fmt.Errorf("%s: clock skew %s is outside 0..%s", op, opts.ClockSkew, MaxClockSkew)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	v := &Verifier{issuers: map[string]TrustedIssuer{}, skew: opts.ClockSkew, now: opts.Now}
	for _, ti := range opts.Issuers {
		if ti.Issuer == "" || ti.Audience == "" || ti.Keys == nil {
			return nil, fmt.Errorf("%s: issuer %q needs an audience and keys", op, ti.Issuer)
		}
		if _, dup := v.issuers[ti.Issuer]; dup {
			return nil, fmt.Errorf("%s: issuer %q configured twice", op, ti.Issuer)
		}
		v.issuers[ti.Issuer] = ti
	}
	return v, nil
}

// Verified is what a token that passed every check says.
type Verified struct {
	Principal  string    // "user:<id>" (our tokens) or "oidc:<sub>"
	Subject    string    // the sub claim
	Issuer     string    // the iss claim
	Scopes     []string  // expanded token scopes (see ExpandScopes); may be empty
	CustomerID int64     // our tokens only; 0 when not linked
	ClientID   string    // client_id (or azp) claim
	TokenID    string    // jti
	Expiry     time.Time // exp
}

// claimSet is every claim Verify reads besides the registered ones.
type claimSet struct {
	Scope      any    `json:"scope"`
	Scp        any    `json:"scp"`
	ClientID   string `json:"client_id"`
	AZP        string `json:"azp"`
	CustomerID any    `json:"customer_id"` // read for our tokens only, where it is an integer
}

// Verify checks token (compact JWS, without "Bearer ") and returns what it says.
func (v *Verifier) Verify(ctx context.Context, token string) (Verified, error) {
	invalid := func(reason string, args ...any) (Verified, error) {
		return Verified{}, fmt.Errorf("identity.Verify: %w: %s", ErrInvalidToken, fmt.Sprintf(reason, args...))
	}
	if len(token) > maxTokenBytes {
		return invalid("token of %d bytes exceeds %d", len(token), maxTokenBytes)
	}
	// The allow-list is checked against the header before anything else: none, HS*, ES*, PS* fail here.
	tok, err := jwt.ParseSigned(token, allowedAlgorithms)
	if err != nil {
		return invalid("parse: %v", err)
	}
	if len(tok.Headers) != 1 {
		return invalid("%d signatures, want 1", len(tok.Headers))
	}
	h := tok.Headers[0]
	if h.KeyID == "" {
		return invalid("no kid in header")
	}
	var peek struct {
		Issuer string `json:"iss"`
	}
	if err := tok.UnsafeClaimsWithoutVerification(&peek); err != nil {
		return invalid("claims: %v", err)
	}
	ti, ok := v.issuers[peek.Issuer]
	if !ok {
		return invalid("untrusted issuer %q", peek.Issuer)
	}
	if ti.Local {
		if typ, _ := h.ExtraHeaders["typ"].(string); typ != tokenType {
			return invalid("typ %q, want %s", typ, tokenType)
		}
	}
	key, err := ti.Keys.Key(ctx, h.KeyID)
	switch {
	case errors.Is(err, ErrUnknownKey):
		return invalid("%v", err)
	case err != nil:
		return Verified{}, fmt.Errorf("identity.Verify: %w", err)
	}
	if key.Algorithm != h.Algorithm {
		return invalid("%v: %s token, %s key", errKeyMismatch, h.Algorithm, key.Algorithm)
	}
	var std jwt.Claims
	var extra claimSet
	if err := tok.Claims(joseKey(key), &std, &extra); err != nil {
		return invalid("signature: %v", err)
	}
	if std.Expiry == nil {
		return invalid("no exp claim")
	}
	if err := std.ValidateWithLeeway(jwt.Expected{Issuer: ti.Issuer, AnyAudience: jwt.Audience{ti.Audience}, Time: v.now()}, v.skew); err != nil {
		return invalid("claims: %v", err)
	}
	if std.Subject == "" || len(std.Subject) > maxSubjectBytes || strings.ContainsFunc(std.Subject, isControl) {
		return invalid("sub is empty, too long or has control characters")
	}
	out := Verified{Subject: std.Subject, Issuer: std.Issuer, ClientID: extra.ClientID, TokenID: std.ID, Expiry: std.Expiry.Time()}
	if out.ClientID == "" {
		out.ClientID = extra.AZP
	}
	scopeClaim := extra.Scope
	if scopeClaim == nil {
		scopeClaim = extra.Scp
	}
	out.Scopes = ExpandScopes(parseScopeClaim(scopeClaim, ti.ScopePrefix)...)
	if ti.Local {
		id, err := strconv.ParseInt(std.Subject, 10, 64)
		if err != nil || id <= 0 {
			return invalid("sub %q is not a user id", std.Subject)
		}
		out.Principal = LocalPrincipal(id)
		if extra.CustomerID != nil {
			n, ok := extra.CustomerID.(float64)
			if !ok || n < 1 || n != float64(int64(n)) {
				return invalid("customer_id is not a positive integer")
			}
			out.CustomerID = int64(n)
		}
	} else {
		out.Principal = ExternalPrefix + std.Subject
	}
	return out, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
