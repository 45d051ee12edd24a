package main

import (
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// bench is what every client of a run shares.
type bench struct {
	base               string
	routes             *routes
	rec                *recorder
	thinkMin, thinkMax time.Duration
	categories         []string
	buyable            []int64
	seq                atomic.Int64
}

// sample is one request as the client saw it.
type sample struct {
	function   string // the function the gateway routes it to
	authorized bool   // the gateway asked the authorizer first
	route      string
	start      time.Time
	d          time.Duration
	status     int
	err        string // "" when answered as expected
	order      bool   // a checkout that placed an order
}

// recorder keeps the samples of a timed window [from, to) and when the clients stop.
type recorder struct {
	mu       sync.Mutex
	from, to time.Time
	stop     time.Time
	samples  []sample
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !s.start.IsZero() && !s.start.Before(r.from) && s.start.Before(r.to) {
		r.samples = append(r.samples, s)
	}
}

func (r *recorder) end() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stop
}

// window sets the timed window; requests started outside it are not kept.
func (r *recorder) window(from, to time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.from, r.to, r.stop, r.samples = from, to, to, nil
}

func (r *recorder) taken() []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.samples)
}

// routes finds the function a request goes to the way the gateway does (ServeMux patterns of the
// declared routes), so the per-function counts follow the declarations.
type routes struct {
	mux    *http.ServeMux
	byPatt map[string]manifest.BoundRoute
}

func newRoutes(bundle *manifest.Bundle) *routes {
	rt := &routes{mux: http.NewServeMux(), byPatt: map[string]manifest.BoundRoute{}}
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, r := range bundle.Routes() {
		rt.mux.Handle(r.Pattern(), noop)
		rt.byPatt[r.Pattern()] = r
	}
	return rt
}

// resolve returns the function of req's route and whether the gateway authorizes it first (a
// protected route, or an auth: optional one called with a token).
func (rt *routes) resolve(req *http.Request) (string, bool) {
	_, pattern := rt.mux.Handler(req)
	r, ok := rt.byPatt[pattern]
	if !ok {
		return "", false
	}
	authz := r.Scope != manifest.Public || (r.TokenOptional() && req.Header.Get("Authorization") != "")
	return r.Function, authz
}
