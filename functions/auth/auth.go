// Package auth is the accounts function: shopper registration with email ownership proven before any
// linking, login for every account (customers and staff) with a throttle that never locks the owner
// out, rotating refresh sessions, password reset, and the caller's own account.
//
//	POST /api/auth/register         public    {email, password, name} -> 202, a verification mail
//	POST /api/auth/verify           customer  {token} -> the verified account, now linked to its customer
//	POST /api/auth/verify/resend    customer  a new verification mail (the old link stops working)
//	POST /api/auth/login            public    {email, password} -> access token + refresh_token
//	POST /api/auth/refresh          public    {refresh_token} or the cookie -> a new pair (rotation)
//	POST /api/auth/logout           public    {refresh_token} or the cookie -> 204, the session revoked
//	POST /api/auth/password/forgot  public    {email} -> 202, a reset mail when the account exists
//	POST /api/auth/password/reset   public    {token, password} -> 200, every session revoked
//	GET  /api/auth/me               customer  the caller's account
//
// Tokens are signed by package identity with the key from OCTO_TOKEN_SIGNING_KEY or the Vault secret
// OCTO_TOKEN_KEY_SECRET_OCID (see identity.TokenSettings); the authorizer function verifies them.
// Mail goes through the notification outbox (package notify) in the transaction that causes it.
//
// Login answers one error for an unknown email, a wrong password and a disabled account (401
// invalid_credentials), and spends the same hash work on each (identity.CheckLogin). See
// throttle.go for the failure counters.
package auth

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "auth"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// DefaultRefreshTTL is how long a refresh token lives unused.
const DefaultRefreshTTL = 14 * 24 * time.Hour

// Service answers the auth routes.
type Service struct {
	db         *sql.DB
	issuer     *identity.Issuer
	log        *slog.Logger
	now        func() time.Time
	throttle   Throttle
	mail       notify.Config
	outbox     notify.Outbox
	kick       notify.Kicker
	refreshTTL time.Duration
	hashWork   func(identity.HashWork)
}

// Options adjusts New; the zero value is production's.
type Options struct {
	Now        func() time.Time        // clock of the throttle and the tokens; time.Now when nil
	Throttle   Throttle                // zero fields take the defaults (see Throttle)
	RefreshTTL time.Duration           // DefaultRefreshTTL when 0
	HashWork   func(identity.HashWork) // called for each password-hash computation of a login (tests)
}

// New returns the auth function's HTTP handler. mail says where links point and which domain
// Message-IDs use; kick starts delivering committed messages (nil: the notifier's schedule only).
func New(store *sql.DB, issuer *identity.Issuer, log *slog.Logger, mail notify.Config, kick notify.Kicker, opts Options) (http.Handler, error) {
	fn := Declaration()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RefreshTTL <= 0 {
		opts.RefreshTTL = DefaultRefreshTTL
	}
	if kick == nil {
		kick = notify.KickFunc(func(...int64) {})
	}
	s := &Service{db: store, issuer: issuer, log: log, now: opts.Now, throttle: opts.Throttle.withDefaults(),
		mail: mail, outbox: mail.Outbox(opts.Now), kick: kick, refreshTTL: opts.RefreshTTL, hashWork: opts.HashWork}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{
		"POST /api/auth/register":        s.register,
		"POST /api/auth/verify":          s.verify,
		"POST /api/auth/verify/resend":   s.resendVerification,
		"POST /api/auth/login":           s.login,
		"POST /api/auth/refresh":         s.refresh,
		"POST /api/auth/logout":          s.logout,
		"POST /api/auth/password/forgot": s.forgotPassword,
		"POST /api/auth/password/reset":  s.resetPassword,
		"GET /api/auth/me":               s.me,
	})
}

// kickTimeout bounds the in-process delivery started after a commit.
const kickTimeout = 20 * time.Second

// Build is the auth function's composition: token settings from getenv, the signing key (from the
// environment or, read once here, from OCI Vault), the issuer, the mail configuration and sender, and
// the handler.
func Build(ctx context.Context, store *sql.DB, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
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
	mail, err := notify.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	drainer, err := mail.NewDrainer(store, log)
	if err != nil {
		return nil, err
	}
	return New(store, issuer, log, mail, notify.InProcess(drainer, kickTimeout), Options{})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "POST /api/auth/register", Request: registerRequest{}, Response: RegisterResponse{}, Status: []int{202}},
	{Route: "POST /api/auth/verify", Request: tokenRequest{}, Response: Account{}},
	{Route: "POST /api/auth/verify/resend", Response: StatusAnswer{}, Status: []int{202}, Errors: []int{404, 409}},
	{Route: "POST /api/auth/login", Request: loginRequest{}, Response: TokenResponse{}, Errors: []int{401, 429}},
	{Route: "POST /api/auth/refresh", Request: refreshRequest{}, BodyOptional: true, Response: TokenResponse{}, Errors: []int{401}},
	{Route: "POST /api/auth/logout", Request: refreshRequest{}, BodyOptional: true, Status: []int{204}},
	{Route: "POST /api/auth/password/forgot", Request: forgotRequest{}, Response: StatusAnswer{}, Status: []int{202}},
	{Route: "POST /api/auth/password/reset", Request: resetRequest{}, Response: StatusAnswer{}},
	{Route: "GET /api/auth/me", Response: contract.OneOf{Account{}, ExternalPrincipal{}}, Errors: []int{404}},
}
