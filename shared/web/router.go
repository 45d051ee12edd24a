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
	return &router{mux: mux, declared: declared}, nil
}

// router serves a function's declared routes (see NewRouter).
type router struct {
	mux      *http.ServeMux
	declared map[string]bool // route patterns
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(w, stripDeploymentPrefix(r))
}

// Route returns the declared route pattern ("GET /api/products/{id}") r will be served by, or "" when
// r matches no declared route (404 and 405 answers).
func (rt *router) Route(r *http.Request) string {
	_, pattern := rt.mux.Handler(stripDeploymentPrefix(r))
	if !rt.declared[pattern] {
		return ""
	}
	return pattern
}

// WithRoute sets r.Pattern to the route h, a handler NewRouter built, will serve r by (unchanged for
// any other handler, or a request on no declared route) before next runs. The middleware outside the
// router (tracing, the access log) so names the request once, from its route, before anything runs.
func WithRoute(h, next http.Handler) http.Handler {
	rt, ok := h.(*router)
	if !ok {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := rt.Route(r); p != "" {
			r2 := *r
			r2.Pattern = p
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

func route(rt manifest.Route, log *slog.Logger, h HandlerFunc) http.Handler {
	limit := rt.Limit()
	accept := rt.Accept
	pattern := rt.Pattern()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The route is the Oracle session ACTION of every statement of the request, read from the
		// context when the span was not sampled (the span itself was named from it: WithRoute).
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

// stripDeploymentPrefix returns r with a path /<prefix>/api/... as /api/....
func stripDeploymentPrefix(r *http.Request) *http.Request {
	p := r.URL.Path
	if strings.HasPrefix(p, "/api/") {
		return r
	}
	i := strings.Index(p, "/api/")
	if i <= 0 {
		return r
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = p[i:]
	if rp := r.URL.RawPath; rp != "" {
		if j := strings.Index(rp, "/api/"); j > 0 {
			r2.URL.RawPath = rp[j:]
		}
	}
	return r2
}
