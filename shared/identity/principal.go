package identity

import (
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Principal prefixes: our own accounts, and subjects of external OpenID Connect issuers.
const (
	LocalPrefix    = "user:"
	ExternalPrefix = "oidc:"
)

// LocalPrincipal returns the principal of one of our accounts.
func LocalPrincipal(userID int64) string { return LocalPrefix + strconv.FormatInt(userID, 10) }

// Principal is the authenticated caller of a protected route, as the gateway vouches for it.
type Principal struct {
	ID     string   // "user:<id>" or "oidc:<sub>"
	UserID int64    // our account's id; 0 for an external subject
	Scopes []string // token scopes, expanded
}

// HasScope reports whether the principal holds the scope.
func (p Principal) HasScope(s manifest.Scope) bool { return slices.Contains(p.Scopes, string(s)) }

// FromRequest reads the principal from the headers the gateway sets on protected routes
// (web.PrincipalHeader and web.ScopesHeader). The gateway drops client-sent copies on every
// route, so they can be trusted; their absence means the request did not come through a protected
// route and is answered unauthorized.
func FromRequest(r *http.Request) (Principal, error) {
	const op = "identity.FromRequest"
	id := r.Header.Get(web.PrincipalHeader)
	if id == "" {
		return Principal{}, apperr.E(op, apperr.Unauthorized, "authentication required")
	}
	p := Principal{ID: id, Scopes: strings.Fields(r.Header.Get(web.ScopesHeader))}
	if rest, ok := strings.CutPrefix(id, LocalPrefix); ok {
		n, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || n <= 0 {
			return Principal{}, apperr.E(op, apperr.Unauthorized, "authentication required")
		}
		p.UserID = n
	}
	return p, nil
}

// ClientIP returns the address of the client as the gateway saw it: web.RealIPHeader, else the
// last web.ForwardedForHeader entry (the earlier ones are whatever the client sent), else the
// connection's remote address (plain HTTP without a gateway). It returns "unknown" when none parses.
func ClientIP(r *http.Request) string {
	if ip := net.ParseIP(strings.TrimSpace(r.Header.Get(web.RealIPHeader))); ip != nil {
		return ip.String()
	}
	if xff := r.Header.Values(web.ForwardedForHeader); len(xff) > 0 {
		parts := strings.Split(xff[len(xff)-1], ",")
		if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return "unknown"
}
