package authorizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/identity"
)

// Config is the authorizer's configuration, read once at cold start.
//
// Our own tokens: identity.TokenSettings (OCTO_TOKEN_ISSUER, OCTO_TOKEN_AUDIENCE, and the keys from
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
type Config struct {
	Token     identity.TokenSettings
	OIDC      OIDC
	ClockSkew time.Duration
}

// OIDC is the external issuer; zero when none is configured.
type OIDC struct {
	Issuer      string
	Audience    string
	JWKSURL     string
	JWKSTTL     time.Duration
	ScopePrefix string
}

// ConfigFromEnv reads Config, reporting every problem at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	var errs []error
	tok, err := identity.TokenSettingsFromEnv(getenv)
	if err != nil {
		errs = append(errs, err)
	}
	c := Config{Token: tok, ClockSkew: identity.DefaultClockSkew, OIDC: OIDC{
		Issuer: get("OCTO_OIDC_ISSUER"), Audience: get("OCTO_OIDC_AUDIENCE"), JWKSURL: get("OCTO_OIDC_JWKS_URL"),
		ScopePrefix: get("OCTO_OIDC_SCOPE_PREFIX"), JWKSTTL: identity.DefaultJWKSTTL,
	}}
	if v := get("OCTO_TOKEN_CLOCK_SKEW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > identity.MaxClockSkew {
			errs = append(errs, fmt.Errorf("OCTO_TOKEN_CLOCK_SKEW=%q: want a duration from 0s to %s", v, identity.MaxClockSkew))
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
		return Config{}, fmt.Errorf("authorizer: config: %w", err)
	}
	return c, nil
}

// NewVerifier builds the token verifier from the configuration: the Vault client and the JWKS cache
// are built here, once per container. It fails when no issuer can be trusted.
func NewVerifier(ctx context.Context, c Config, client *http.Client) (*identity.Verifier, error) {
	var issuers []identity.TrustedIssuer
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
		issuers = append(issuers, identity.TrustedIssuer{Issuer: t.Issuer, Audience: t.Audience, Keys: keys, Local: true})
	}
	if o := c.OIDC; o.Issuer != "" {
		jwks, err := identity.NewJWKS(identity.JWKSOptions{URL: o.JWKSURL, Issuer: o.Issuer, TTL: o.JWKSTTL, Client: client})
		if err != nil {
			return nil, err
		}
		issuers = append(issuers, identity.TrustedIssuer{Issuer: o.Issuer, Audience: o.Audience, Keys: jwks, ScopePrefix: o.ScopePrefix})
	}
	if len(issuers) == 0 {
		return nil, errors.New("authorizer: no trusted issuer: configure OCTO_TOKEN_PUBLIC_KEYS (or the signing key) and/or OCTO_OIDC_ISSUER")
	}
	return identity.NewVerifier(identity.VerifierOptions{Issuers: issuers, ClockSkew: c.ClockSkew})
}

// Build is the authorizer's composition: configuration from getenv, the verifier, the handler.
func Build(ctx context.Context, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	c, err := ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	v, err := NewVerifier(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	return New(v, log)
}
