package gateway

import (
	"net/http"
	"sort"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// router matches requests against the bundle's routes with net/http ServeMux semantics, the same
// the functions' own routers use (package web), so both sides agree on what a template matches.
type router struct {
	mux    *http.ServeMux
	routes map[string]manifest.BoundRoute // by ServeMux pattern
	allow  map[string]string              // path template -> "GET, POST"
}

// match outcomes besides a route.
type matchKind int

const (
	matchRoute matchKind = iota
	matchWrongMethod
	matchNone
)

func newRouter(routes []manifest.BoundRoute) *router {
	rt := &router{mux: http.NewServeMux(), routes: map[string]manifest.BoundRoute{}, allow: map[string]string{}}
	methods := map[string][]string{}
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, r := range routes {
		rt.mux.Handle(r.Pattern(), noop)
		rt.routes[r.Pattern()] = r
		methods[r.Path] = append(methods[r.Path], r.Method)
	}
	for path, ms := range methods {
		sort.Strings(ms)
		rt.mux.Handle(path, noop)
		rt.allow[path] = strings.Join(ms, ", ")
	}
	return rt
}

// match finds the route for r. The path is matched from its first "/api/" on, tolerating a
// deployment prefix; for matchWrongMethod the second result holds the Allow header value.
func (rt *router) match(r *http.Request) (manifest.BoundRoute, string, matchKind) {
	probe := r
	if p := r.URL.Path; !strings.HasPrefix(p, "/api/") {
		i := strings.Index(p, "/api/")
		if i < 0 {
			return manifest.BoundRoute{}, "", matchNone
		}
		probe = r.Clone(r.Context())
		probe.URL.Path = p[i:]
		if raw := r.URL.RawPath; raw != "" {
			if j := strings.Index(raw, "/api/"); j >= 0 {
				probe.URL.RawPath = raw[j:]
			}
		}
	}
	_, pattern := rt.mux.Handler(probe)
	if route, ok := rt.routes[pattern]; ok {
		return route, "", matchRoute
	}
	if allow, ok := rt.allow[pattern]; ok {
		return manifest.BoundRoute{}, allow, matchWrongMethod
	}
	return manifest.BoundRoute{}, "", matchNone
}
