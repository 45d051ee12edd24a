package gateway

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/shape"
)

// CORS has one owner, as on OCI where the API deployment's CORS policy answers it: this gateway
// locally. Functions never add CORS headers, so a browser never sees two Access-Control-Allow-Origin
// values (shared/tfcheck's CheckCORSOwner keeps Terraform to one place too).

// CORSOriginsEnv holds Config.CORSOrigins, comma-separated.
const CORSOriginsEnv = "OCTO_CORS_ORIGINS"

// CORSAllowedHeaders are the request headers a browser may send cross-origin: the token, the body's
// type, and the headers of checkout (Idempotency-Key), order reads (X-Order-Token) and tracing. The
// Terraform default of cors.allowed_headers is the same list.
const CORSAllowedHeaders = "Authorization, Content-Type, Idempotency-Key, X-Order-Token, X-Request-Id, Traceparent, Tracestate"

// corsMethods are the methods a preflight may ask for.
const corsMethods = "GET, POST, PUT, PATCH, DELETE"

// ParseCORSOrigins reads an OCTO_CORS_ORIGINS value: comma-separated exact origins
// (scheme://host[:port], no path), or "*" alone. Anything else is an error naming the bad entries.
func ParseCORSOrigins(value string) ([]string, error) {
	var origins, bad []string
	for o := range strings.SplitSeq(value, ",") {
		o = strings.ToLower(strings.TrimSpace(o))
		switch {
		case o == "":
			continue
		case o != "*" && !shape.Origin(o):
			bad = append(bad, strconv.Quote(o))
		}
		origins = append(origins, o)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s: %s must be scheme://host[:port] without a path, or \"*\" alone", CORSOriginsEnv, strings.Join(bad, ", "))
	}
	if len(origins) > 1 && slices.Contains(origins, "*") {
		return nil, fmt.Errorf("%s: \"*\" cannot be combined with other origins", CORSOriginsEnv)
	}
	return origins, nil
}

// cors is the allow-list of origins. Credentials are never allowed: the API authenticates with bearer
// tokens in Authorization, not cookies, so Access-Control-Allow-Credentials is never sent, whatever
// the list (and "*" therefore never comes with credentials).
type cors struct {
	any     bool
	origins []string
}

func newCORS(origins []string) cors {
	c := cors{}
	for _, o := range origins {
		if o == "*" {
			c.any = true
			continue
		}
		c.origins = append(c.origins, strings.ToLower(o))
	}
	return c
}

func (c cors) enabled() bool { return c.any || len(c.origins) > 0 }

func (c cors) allows(origin string) bool {
	return c.any || slices.Contains(c.origins, strings.ToLower(origin))
}

// headers adds the CORS headers of an ordinary (not preflight) response to r.
func (c cors) headers(h http.Header, r *http.Request) {
	if !c.enabled() {
		return
	}
	if !c.any {
		h.Add("Vary", "Origin")
	}
	if origin := r.Header.Get("Origin"); origin != "" && c.allows(origin) {
		h.Set("Access-Control-Allow-Origin", allowOrigin(c, origin))
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
	}
}

func allowOrigin(c cors, origin string) string {
	if c.any {
		return "*"
	}
	return origin
}

// preflight answers a preflight for a declared route, as API Gateway does before any authorizer,
// rate limit or function: 204 with the allowed methods and headers for an allowed origin, 403
// otherwise. It returns the status.
func (c cors) preflight(w http.ResponseWriter, r *http.Request) int {
	h := w.Header()
	if !c.any {
		h.Add("Vary", "Origin")
	}
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	origin := r.Header.Get("Origin")
	if !c.allows(origin) {
		return fail(w, r, apperr.Forbidden, "this origin is not allowed")
	}
	h.Set("Access-Control-Allow-Origin", allowOrigin(c, origin))
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", CORSAllowedHeaders)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return http.StatusNoContent
}
