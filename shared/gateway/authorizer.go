package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// AuthorizerInput and AuthorizerOutput are the API Gateway custom authorizer contract; they live in
// package web so the authorizer function does not link the local gateway.
type (
	AuthorizerInput  = web.AuthorizerInput
	AuthorizerOutput = web.AuthorizerOutput
)

// decision is what the gateway does with a protected request.
type decision struct {
	status          int    // 0 when allowed, else 401 or 403
	wwwAuthenticate string // for 401
	principal       string
	scopes          []string
}

// invoker runs one plain invocation of a function; the gateway's pools implement it.
type invoker func(ctx context.Context, fn string, body []byte) ([]byte, error)

// authorizer calls the bundle's authorizer function; fn is "" when the bundle has none.
type authorizer struct {
	fn     string
	invoke invoker
}

// errBadAuthorizer marks an authorizer answer the gateway cannot use (answered 502).
var errBadAuthorizer = errors.New("gateway: unusable authorizer answer")

// authorize decides a request to a route with a non-public scope.
func (a authorizer) authorize(ctx context.Context, route manifest.BoundRoute, r *http.Request) (decision, error) {
	const challenge = `Bearer realm="octo"`
	token := r.Header.Get("Authorization")
	if a.fn == "" || token == "" {
		return decision{status: http.StatusUnauthorized, wwwAuthenticate: challenge}, nil
	}
	in, err := json.Marshal(AuthorizerInput{Type: "USER_DEFINED", Data: map[string]string{"token": token}})
	if err != nil {
		return decision{}, fmt.Errorf("gateway: authorizer input: %w", err)
	}
	body, err := a.invoke(ctx, a.fn, in)
	if err != nil {
		return decision{}, err
	}
	var out AuthorizerOutput
	if err := json.Unmarshal(body, &out); err != nil {
		return decision{}, fmt.Errorf("%w: %v", errBadAuthorizer, err)
	}
	if !out.Active {
		d := decision{status: http.StatusUnauthorized, wwwAuthenticate: out.WWWAuthenticate}
		if d.wwwAuthenticate == "" || !validHeaderValue(d.wwwAuthenticate) {
			d.wwwAuthenticate = challenge
		}
		return d, nil
	}
	principal := out.Principal
	if sub, ok := out.Context["sub"].(string); ok && principal == "" {
		principal = sub
	}
	if principal == "" || !validHeaderValue(principal) || slices.ContainsFunc(out.Scope, func(s string) bool {
		return s == "" || strings.ContainsAny(s, " \t") || !validHeaderValue(s)
	}) {
		return decision{}, fmt.Errorf("%w: principal or scope unusable in a header", errBadAuthorizer)
	}
	if route.Scope != manifest.Public && !slices.Contains(out.Scope, route.Grant()) {
		return decision{status: http.StatusForbidden}, nil
	}
	return decision{principal: principal, scopes: out.Scope}, nil
}

// validHeaderValue reports whether v can travel as a header value (no control characters).
func validHeaderValue(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f })
}
