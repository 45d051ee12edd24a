// Package auth is the accounts function: shopper registration, login for every account (customers
// and staff) with a lockout, and the caller's own account.
//
//	POST /api/auth/register  public    {email, password, name} -> 201 the account
//	POST /api/auth/login     public    {email, password} -> {access_token, token_type, expires_in, scope}
//	GET  /api/auth/me        customer  the caller's account (from the gateway's principal header)
//
// Tokens are signed by package identity with the key from OCTO_TOKEN_SIGNING_KEY or the Vault secret
// OCTO_TOKEN_KEY_SECRET_OCID (see identity.TokenSettings); the authorizer function verifies them.
//
// Login answers one error for an unknown email, a wrong password and a disabled account (401
// invalid_credentials), and spends the same work on each: an unknown email is checked against a
// dummy argon2id hash. See lockout.go for the attempt counters.
package auth

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "auth"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service answers the auth routes.
type Service struct {
	db      *db.DB
	issuer  *identity.Issuer
	log     *slog.Logger
	now     func() time.Time
	lockout Lockout
}

// Options adjusts New; the zero value is production's.
type Options struct {
	Now     func() time.Time // clock of the lockout window; time.Now when nil
	Lockout Lockout          // zero fields take DefaultMaxFailures and DefaultWindow
}

// New returns the auth function's HTTP handler.
func New(store *db.DB, issuer *identity.Issuer, log *slog.Logger, opts Options) (http.Handler, error) {
	fn := Declaration()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Lockout.MaxFailures <= 0 {
		opts.Lockout.MaxFailures = DefaultMaxFailures
	}
	if opts.Lockout.Window <= 0 {
		opts.Lockout.Window = DefaultWindow
	}
	s := &Service{db: store, issuer: issuer, log: log, now: opts.Now, lockout: opts.Lockout}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"POST /api/auth/register": s.register,
		"POST /api/auth/login":    s.login,
		"GET /api/auth/me":        s.me,
	})
}

// Build is the auth function's composition: token settings from getenv, the signing key (from the
// environment or, read once here, from OCI Vault), the issuer and the handler.
func Build(ctx context.Context, store *db.DB, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	settings, err := identity.TokenSettingsFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	secrets, err := settings.Secrets()
	if err != nil {
		return nil, err
	}
	key, err := settings.SigningKey(ctx, secrets)
	if err != nil {
		return nil, err
	}
	issuer, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: settings.Issuer, Audience: settings.Audience, TTL: settings.TTL})
	if err != nil {
		return nil, err
	}
	return New(store, issuer, log, Options{})
}
