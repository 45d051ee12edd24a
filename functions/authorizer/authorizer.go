// Package authorizer is the OCI API Gateway custom authorizer (CUSTOM_AUTHENTICATION) of the bundle.
//
// API Gateway invokes it without Fn-Intent (not as an HTTP request), so package serve delivers the
// call as POST /_invoke (manifest.InvokePath), the only route it has; func.yaml declares
// authorizer: true and no routes. The body is {"type":"USER_DEFINED","data":{"token":"Bearer ..."}}
// (the deployment maps token = request.headers[Authorization]) or {"type":"TOKEN","token":"..."}.
//
// The answer is always 200 with the gateway's contract (web.AuthorizerOutput): for a valid token
// active, principal ("user:<id>" or "oidc:<sub>"), scope (expanded: an admin token lists customer,
// staff and admin; a staff token also lists its role's permissions, which routes declaring a
// permission require, see manifest.Route.Grant), expiresAt (the token's exp, RFC 3339), clientId, and context with sub (the
// principal), scope (space-separated), iss, jti and customer_id when there is one; the deployment
// copies context.sub and context.scope into the X-Octo-Principal and X-Octo-Scopes headers. For a
// missing or invalid token active is false and wwwAuthenticate carries the RFC 6750 challenge. The
// rejection reason is logged, never returned. Only a malformed invocation body is an error (400).
//
// Tokens are verified by package identity: our auth function's tokens with the keys from
// configuration or Vault, and tokens of one external OpenID Connect issuer (an OCI IAM Identity
// Domain) with its JWKS; see Config.
package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "authorizer"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Input is the invocation body API Gateway sends.
type Input struct {
	Type  string            `json:"type"`  // USER_DEFINED or TOKEN
	Token string            `json:"token"` // TOKEN
	Data  map[string]string `json:"data"`  // USER_DEFINED: data.token
}

// Verifier checks a bearer token; *identity.Verifier is the implementation.
type Verifier interface {
	Verify(ctx context.Context, token string) (identity.Verified, error)
}

// Service answers authorizer invocations.
type Service struct {
	verifier Verifier
	log      *slog.Logger
}

// New returns the authorizer's HTTP handler.
func New(v Verifier, log *slog.Logger) (http.Handler, error) {
	fn := Declaration()
	s := &Service{verifier: v, log: log}
	return web.NewRouter(fn, log, map[string]web.HandlerFunc{web.InvokePattern: s.authorize})
}

func (s *Service) authorize(w http.ResponseWriter, r *http.Request) error {
	const op = "authorizer.Authorize"
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return apperr.Wrap(op, apperr.Invalid, err)
	}
	var in Input
	if err := json.Unmarshal(body, &in); err != nil {
		return apperr.E(op, apperr.Invalid, "the invocation body is not an authorizer input")
	}
	var header string
	switch in.Type {
	case "USER_DEFINED":
		header = in.Data["token"]
	case "TOKEN":
		header = in.Token
	default:
		return apperr.E(op, apperr.Invalid, `type must be "USER_DEFINED" or "TOKEN"`)
	}
	token := identity.Bearer(header)
	if token == "" {
		web.JSON(w, http.StatusOK, web.AuthorizerOutput{Active: false, WWWAuthenticate: identity.ChallengeMissing})
		return nil
	}
	v, err := s.verifier.Verify(r.Context(), token)
	if err != nil {
		level := slog.LevelInfo
		if !errors.Is(err, identity.ErrInvalidToken) {
			level = slog.LevelError // the issuer's keys could not be read: not the caller's fault
		}
		s.log.Log(r.Context(), level, "token rejected", "reason", err.Error())
		if errors.Is(err, identity.ErrInvalidToken) {
			// The authorizer has no database: the event goes to its span, metric and log (package
			// security). The token itself is never recorded.
			security.Report(r.Context(), security.InvalidToken, security.Event{Payload: err.Error(),
				Details: map[string]any{"reason": err.Error(), "invocation_type": in.Type}})
		}
		web.JSON(w, http.StatusOK, web.AuthorizerOutput{Active: false, WWWAuthenticate: identity.ChallengeInvalid})
		return nil
	}
	web.JSON(w, http.StatusOK, output(v))
	return nil
}

// output renders a verified token in API Gateway's contract.
func output(v identity.Verified) web.AuthorizerOutput {
	scope := strings.Join(v.Scopes, " ")
	ctx := map[string]any{"sub": v.Principal, "scope": scope, "iss": v.Issuer}
	if v.TokenID != "" {
		ctx["jti"] = v.TokenID
	}
	if v.CustomerID > 0 {
		ctx["customer_id"] = strconv.FormatInt(v.CustomerID, 10)
	}
	return web.AuthorizerOutput{
		Active:    true,
		Principal: v.Principal,
		Scope:     v.Scopes,
		ExpiresAt: v.Expiry.UTC().Format(time.RFC3339),
		Context:   ctx,
		ClientID:  v.ClientID,
	}
}
