package security

import (
	"net/http"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// setHeaders sets the headers every response carries. The API answers JSON only, so nothing of it
// may be sniffed as another type, framed, or given a referrer; authenticated answers are never
// cached (errors neither: see errorNoStore).
func setHeaders(h http.Header, authenticated bool) {
	web.SecurityHeaders(h)
	if authenticated {
		h.Set("Cache-Control", "no-store")
	}
}

// errorNoStore marks every error response (status >= 400) Cache-Control: no-store.
type errorNoStore struct {
	http.ResponseWriter
	wrote bool
}

func (w *errorNoStore) WriteHeader(code int) {
	if !w.wrote && code >= 400 {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *errorNoStore) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *errorNoStore) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// CORSAllowedHeaders are the request headers a browser may send cross-origin: the token, the body's
// type, and the headers of checkout (Idempotency-Key), order reads (X-Order-Token) and tracing.
const CORSAllowedHeaders = "Authorization, Content-Type, Idempotency-Key, X-Order-Token, X-Request-Id, Traceparent, Tracestate"

// corsMethods are the methods a preflight may ask for.
const corsMethods = "GET, POST, PUT, PATCH, DELETE"

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

// handle adds the CORS headers of r's response and answers r when it is a preflight (OPTIONS with
// Origin and Access-Control-Request-Method), returning true then: 204 for an allowed origin, 403
// otherwise. Without an allow-list nothing is added and a preflight goes on to the router (405).
func (c cors) handle(w http.ResponseWriter, r *http.Request) bool {
	if !c.enabled() {
		return false
	}
	h := w.Header()
	origin := r.Header.Get("Origin")
	preflight := r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != ""
	if !c.any {
		h.Add("Vary", "Origin")
	}
	if preflight {
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
	}
	if origin == "" {
		return false
	}
	if !c.allows(origin) {
		if preflight {
			web.WithRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.Set("Cache-Control", "no-store")
				web.Error(w, r, nil, apperr.E("security.CORS", apperr.Forbidden, "this origin is not allowed"))
			})).ServeHTTP(w, r)
		}
		return preflight
	}
	if c.any {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	if !preflight {
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		return false
	}
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", CORSAllowedHeaders)
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
	return true
}
