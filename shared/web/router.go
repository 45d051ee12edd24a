package web

import (
	"context"
	"errors"
	"fmt"
	"github.com/octo-drone-shop/serverless/shared/action"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// HandlerFunc is a route handler: it writes a success response itself and returns errors for the
// router to answer in the standard shape.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// InvokePattern is the route on which a function with a schedule, or the authorizer function,
// receives its non-HTTP invocations (package serve delivers them there; the gateway never exposes it
// because it is outside /api/).
const InvokePattern = "POST " + manifest.InvokePath

// NewRouter builds the function's HTTP handler from its declaration and its handlers, keyed by route
// pattern ("GET /api/products/{id}"). It fails when a declared route has no handler or a handler has
// no declared route, so the code and the declaration cannot drift. A function that declares a
// schedule, the authorizer function (API Gateway invokes it without Fn-Intent) and the migrator
// (invoked by the deploy step) must also handle InvokePattern.
//
// The router answers unknown paths with a JSON 404, a known path with the wrong method with a JSON 405
// and an Allow header, applies each route's body limit and accepted media types, and tolerates an API
// deployment path prefix: a path such as /v1/api/products is routed as /api/products, because every
// declared path starts with /api/ (manifest enforces it).
func NewRouter(fn manifest.Function, log *slog.Logger, handlers map[string]HandlerFunc) (http.Handler, error) {
	if log == nil {
		log = slog.Default()
	}
	routes := slices.Clone(fn.Routes)
	if fn.Schedule != nil || fn.Authorizer || fn.Migrator {
		routes = append(routes, manifest.Route{Method: "POST", Path: manifest.InvokePath, Scope: manifest.Public})
	}
	var errs []error
	declared := map[string]bool{}
	allowed := map[string][]string{}
	mux := http.NewServeMux()
	for _, rt := range routes {
		pattern := rt.Pattern()
		declared[pattern] = true
		h, ok := handlers[pattern]
		if !ok {
			errs = append(errs, fmt.Errorf("declared route %s has no handler", pattern))
			continue
		}
		mux.Handle(pattern, route(rt, log, h))
		allowed[rt.Path] = append(allowed[rt.Path], rt.Method)
	}
	for pattern := range handlers {
		if !declared[pattern] {
			errs = append(errs, fmt.Errorf("handler %s is not declared in func.yaml", pattern))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("web: function %s: %w", fn.Name, err)
	}
	for path, methods := range allowed {
		sort.Strings(methods)
		allow := strings.Join(methods, ", ")
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			Error(w, r, log, apperr.E("web.Route", apperr.MethodNotAllowed, "method "+r.Method+" is not allowed here; allowed: "+allow))
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, log, apperr.E("web.Route", apperr.NotFound, "no route for "+r.Method+" "+r.URL.Path))
	})
	return WithRequestID(stripDeploymentPrefix(mux)), nil
}

func route(rt manifest.Route, log *slog.Logger, h HandlerFunc) http.Handler {
	limit := rt.Limit()
	accept := rt.Accept
	pattern := rt.Pattern()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Name the request's span after the route before any statement runs, and put the same name in
		// the context: it is the Oracle session ACTION of every statement of the request, read from
		// the context when the span was not sampled.
		telemetry.SetRoute(r.Context(), pattern)
		r = r.WithContext(action.With(r.Context(), pattern))
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if len(accept) > 0 {
			r = r.WithContext(context.WithValue(r.Context(), acceptKey{}, accept))
		}
		if err := h(w, r); err != nil {
			Error(w, r, log, err)
		}
	})
}

// stripDeploymentPrefix routes /<prefix>/api/... as /api/....
func stripDeploymentPrefix(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if !strings.HasPrefix(p, "/api/") {
			if i := strings.Index(p, "/api/"); i > 0 {
				r2 := r.Clone(r.Context())
				r2.URL.Path = p[i:]
				if rp := r.URL.RawPath; rp != "" {
					if j := strings.Index(rp, "/api/"); j > 0 {
						r2.URL.RawPath = rp[j:]
					}
				}
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}
