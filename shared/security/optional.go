package security

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// TokenVerifier checks a bearer token; *identity.Verifier is the implementation.
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (identity.Verified, error)
}

// Optional authenticates the routes of fn that declare auth: optional, in the function itself: it
// returns handlers in which each such route's handler is wrapped, the others unchanged.
//
// Why in the function: on OCI such a route is an ANONYMOUS route of API Gateway, and Oracle documents
// that an ANONYMOUS route does not populate request.auth, so the gateway cannot hand it a principal;
// what it does document is that it forwards the client's headers (Authorization among them) and, with
// the BLOCK filter terraform/gateway.tf puts on every public route, drops client copies of the
// principal headers. The local gateway treats the route the same way. So the principal of an
// optional route comes from one place on every platform: the bearer token, verified here with the
// same code and keys (public keys only: the function can verify, never mint) as the authorizer.
//
// The wrapper first deletes any principal headers on the request (whatever sent them, they are not
// the token's). Without Authorization the call is anonymous. With a token the verifier accepts, the
// principal and its expanded scopes are set as the gateway sets them on a protected route, so
// identity.FromRequest reads them. A token it refuses, or another scheme, is 401 with the RFC 6750
// challenge and an invalid_token security event: falling back to anonymous would open a session the
// shopper could not find once signed in again, and hide an expired token from a client that should
// refresh it. A verifier that cannot read its keys is a 503, not the caller's fault.
func Optional(fn manifest.Function, v TokenVerifier, log *slog.Logger, handlers map[string]web.HandlerFunc) map[string]web.HandlerFunc {
	out := make(map[string]web.HandlerFunc, len(handlers))
	for pattern, h := range handlers {
		out[pattern] = h
	}
	for _, rt := range fn.Routes {
		h, ok := out[rt.Pattern()]
		if !ok || !rt.TokenOptional() {
			continue
		}
		out[rt.Pattern()] = optional(v, log, h)
	}
	return out
}

func optional(v TokenVerifier, log *slog.Logger, next web.HandlerFunc) web.HandlerFunc {
	const op = "security.Optional"
	return func(w http.ResponseWriter, r *http.Request) error {
		r.Header.Del(web.PrincipalHeader)
		r.Header.Del(web.ScopesHeader)
		authz := r.Header.Get("Authorization")
		if authz == "" {
			return next(w, r)
		}
		token := identity.Bearer(authz)
		if token == "" || !strings.Contains(authz, " ") {
			w.Header().Set("WWW-Authenticate", identity.ChallengeInvalid)
			return apperr.E(op, apperr.Unauthorized, "the Authorization header must be \"Bearer <token>\"")
		}
		verified, err := v.Verify(r.Context(), token)
		if err != nil {
			if !errors.Is(err, identity.ErrInvalidToken) {
				log.ErrorContext(r.Context(), "token verification failed", "error", err.Error())
				return apperr.Wrap(op, apperr.Unavailable, err)
			}
			log.InfoContext(r.Context(), "token rejected", "reason", err.Error())
			Report(r.Context(), InvalidToken, Event{Payload: err.Error(), Details: map[string]any{"reason": err.Error()}})
			w.Header().Set("WWW-Authenticate", identity.ChallengeInvalid)
			return apperr.E(op, apperr.Unauthorized, "the access token is invalid or expired")
		}
		r.Header.Set(web.PrincipalHeader, verified.Principal)
		r.Header.Set(web.ScopesHeader, strings.Join(verified.Scopes, " "))
		return next(w, r)
	}
}
