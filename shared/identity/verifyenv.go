package identity

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// VerifierConfig is what a token verifier trusts, read once at cold start by every function that
// verifies bearer tokens itself: the authorizer on protected routes, and a function with auth:
// optional routes (see Optional in package security).
//
// Our own tokens: TokenSettings (OCTO_TOKEN_ISSUER, OCTO_TOKEN_AUDIENCE, and the keys from
// OCTO_TOKEN_PUBLIC_KEYS, OCTO_TOKEN_SIGNING_KEY or OCTO_TOKEN_KEY_SECRET_OCID, or locally the
// development key file). Without any key our issuer is not trusted, which suits a deployment that
// signs in through the Identity Domain only.
//
// An external OpenID Connect issuer (optional):
//
//	OCTO_OIDC_ISSUER        its iss, e.g. https://idcs-<id>.identity.oraclecloud.com
//	OCTO_OIDC_AUDIENCE      the aud its tokens must carry (the API's primary audience)
//	OCTO_OIDC_JWKS_URL      its JWK Set; discovered from the issuer's .well-known document when empty
//	OCTO_OIDC_JWKS_TTL      how long fetched keys are used (default 15m)
//	OCTO_OIDC_SCOPE_PREFIX  removed from its scope values before matching customer/staff/admin
//
// OCTO_TOKEN_CLOCK_SKEW (default 30s, at most 60s) is the leeway on exp, nbf and iat.
type VerifierConfig struct {
	Token     TokenSettings
	OIDC      OIDCSettings
	ClockSkew time.Duration
}

// OIDCSettings is the external issuer; zero when none is configured.
type OIDCSettings struct {
	Issuer      string
	Audience    string
	JWKSURL     string
	JWKSTTL     time.Duration
	ScopePrefix string
}

// VerifierConfigFromEnv reads a VerifierConfig, reporting every problem at once.
func VerifierConfigFromEnv(getenv func(string) string) (VerifierConfig, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var errs []error
	tok, err := TokenSettingsFromEnv(getenv)
	if err != nil {
		errs = append(errs, err)
	}
	c := VerifierConfig{Token: tok, ClockSkew: DefaultClockSkew, OIDC: OIDCSettings{
		Issuer: get("OCTO_OIDC_ISSUER"), Audience: get("OCTO_OIDC_AUDIENCE"), JWKSURL: get("OCTO_OIDC_JWKS_URL"),
		ScopePrefix: get("OCTO_OIDC_SCOPE_PREFIX"), JWKSTTL: DefaultJWKSTTL,
	}}
	if v := get("OCTO_TOKEN_CLOCK_SKEW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > MaxClockSkew {
			errs = append(errs, fmt.Errorf("OCTO_TOKEN_CLOCK_SKEW=%q: want a duration from 0s to %s", v, MaxClockSkew))
		}
		c.ClockSkew = d
	}
	if v := get("OCTO_OIDC_JWKS_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			errs = append(errs, fmt.Errorf("OCTO_OIDC_JWKS_TTL=%q: want a duration of at least 1m", v))
		}
		c.OIDC.JWKSTTL = d
	}
	if (c.OIDC.Issuer == "") != (c.OIDC.Audience == "") || (c.OIDC.Issuer == "" && c.OIDC.JWKSURL != "") {
		errs = append(errs, errors.New("an external issuer needs both OCTO_OIDC_ISSUER and OCTO_OIDC_AUDIENCE"))
	}
	if c.OIDC.Issuer != "" && c.OIDC.Issuer == c.Token.Issuer {
		errs = append(errs, errors.New("OCTO_OIDC_ISSUER must differ from OCTO_TOKEN_ISSUER"))
	}
	if err := errors.Join(errs...); err != nil {
		return VerifierConfig{}, fmt.Errorf("identity: verifier config: %w", err)
	}
	return c, nil
}

// NewVerifier builds the token verifier from the configuration: the Vault client and the JWKS cache
// are built here, once per container (client nil: http.DefaultClient). It fails when no issuer can
// be trusted.
func (c VerifierConfig) NewVerifier(ctx context.Context, client *http.Client) (*Verifier, error) {
	var issuers []TrustedIssuer
	t := c.Token
	if t.HasKeys() {
		secrets, err := t.Secrets()
		if err != nil {
			return nil, err
		}
		keys, err := t.VerificationKeys(ctx, secrets)
		if err != nil {
			return nil, err
		}
		issuers = append(issuers, TrustedIssuer{Issuer: t.Issuer, Audience: t.Audience, Keys: keys, Local: true})
	}
	if o := c.OIDC; o.Issuer != "" {
		jwks, err := NewJWKS(JWKSOptions{URL: o.JWKSURL, Issuer: o.Issuer, TTL: o.JWKSTTL, Client: client})
		if err != nil {
			return nil, err
		}
		issuers = append(issuers, TrustedIssuer{Issuer: o.Issuer, Audience: o.Audience, Keys: jwks, ScopePrefix: o.ScopePrefix})
	}
	if len(issuers) == 0 {
		return nil, errors.New("identity: no trusted issuer: configure OCTO_TOKEN_PUBLIC_KEYS (or the signing key) and/or OCTO_OIDC_ISSUER")
	}
	return NewVerifier(VerifierOptions{Issuers: issuers, ClockSkew: c.ClockSkew})
}

// Challenges for WWW-Authenticate (RFC 6750 section 3): without credentials no error code, with bad
// ones invalid_token.
const (
	ChallengeMissing = `Bearer realm="octo"`
	ChallengeInvalid = `Bearer realm="octo", error="invalid_token", error_description="the access token is invalid or expired"`
)

// Bearer returns the token of an Authorization value "Bearer <token>" (scheme case-insensitive), or
// "" for another scheme. A bare value (an authorizer TOKEN invocation) is returned as it is.
func Bearer(v string) string {
	v = strings.TrimSpace(v)
	if scheme, rest, ok := strings.Cut(v, " "); ok {
		if !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(rest)
	}
	return v
}

// VerifierFromEnv is VerifierConfigFromEnv then NewVerifier with http.DefaultClient: what a function
// that verifies tokens itself (a route declaring auth: optional, see security.Optional) builds at
// cold start, with the authorizer's settings and public keys.
func VerifierFromEnv(ctx context.Context, getenv func(string) string) (*Verifier, error) {
	c, err := VerifierConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	return c.NewVerifier(ctx, nil)
}
