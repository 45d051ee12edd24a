package identity

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// Token lifetime bounds: short, because an access token cannot be revoked before it expires.
const (
	DefaultTokenTTL = 15 * time.Minute
	MinTokenTTL     = 5 * time.Minute
	MaxTokenTTL     = 60 * time.Minute
)

// ClientID is the client_id claim of the tokens the auth function issues (RFC 9068).
const ClientID = "octo-auth"

// tokenType is the typ header of access tokens (RFC 9068).
const tokenType = "at+jwt"

// Grant is what a token says about its holder.
type Grant struct {
	UserID     int64
	Scopes     []string // token scopes, already expanded (see ScopesForRole)
	CustomerID int64    // 0 when the account is not linked to a customer
}

// Issuer signs access tokens.
type Issuer struct {
	signer   jose.Signer
	issuer   string
	audience string
	ttl      time.Duration
	now      func() time.Time
}

// IssuerOptions configures NewIssuer.
type IssuerOptions struct {
	Issuer   string           // iss
	Audience string           // aud
	TTL      time.Duration    // token lifetime, DefaultTokenTTL when zero
	Now      func() time.Time // clock, time.Now when nil
}

// NewIssuer builds an Issuer signing with key.
func NewIssuer(key *SigningKey, opts IssuerOptions) (*Issuer, error) {
	const op = "identity.NewIssuer"
	if opts.Issuer == "" || opts.Audience == "" {
		return nil, fmt.Errorf("%s: issuer and audience are required", op)
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTokenTTL
	}
	if opts.TTL < MinTokenTTL || opts.TTL > MaxTokenTTL {
		return nil, fmt.Errorf("%s: token lifetime %s is outside %s..%s", op, opts.TTL, MinTokenTTL, MaxTokenTTL)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.SignatureAlgorithm(key.algorithm), Key: jose.JSONWebKey{Key: key.jws, KeyID: key.id}},
		(&jose.SignerOptions{}).WithType(tokenType))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return &Issuer{signer: signer, issuer: opts.Issuer, audience: opts.Audience, ttl: opts.TTL, now: opts.Now}, nil
}

// TTL returns the lifetime of the tokens the Issuer signs.
func (i *Issuer) TTL() time.Duration { return i.ttl }

// privateClaims are the non-registered claims of our tokens.
type privateClaims struct {
	Scope      string `json:"scope"`
	ClientID   string `json:"client_id"`
	CustomerID int64  `json:"customer_id,omitempty"`
}

// Issue signs a token for g, valid from now for the Issuer's TTL.
func (i *Issuer) Issue(g Grant) (string, error) {
	const op = "identity.Issue"
	if g.UserID <= 0 || len(g.Scopes) == 0 {
		return "", fmt.Errorf("%s: a token needs a user and at least one scope", op)
	}
	now := i.now()
	std := jwt.Claims{
		Issuer:    i.issuer,
		Subject:   strconv.FormatInt(g.UserID, 10),
		Audience:  jwt.Audience{i.audience},
		Expiry:    jwt.NewNumericDate(now.Add(i.ttl)),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        web.NewID(),
	}
	priv := privateClaims{Scope: strings.Join(g.Scopes, " "), ClientID: ClientID, CustomerID: g.CustomerID}
	token, err := jwt.Signed(i.signer).Claims(std).Claims(priv).Serialize()
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	return token, nil
}
