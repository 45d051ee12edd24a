package main

import (
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

func TestPercentileIsNearestRank(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	tests := []struct {
		name string
		q    float64
		want time.Duration
	}{
		{"median of ten is the fifth", 0.5, 5},
		{"p99 of ten is the largest", 0.99, 10},
		{"p10 is the smallest", 0.1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(ds, tt.q); got != tt.want {
				t.Errorf("percentile(%v) = %d, want %d", tt.q, got, tt.want)
			}
		})
	}
}

func TestProbeForPrefersPublicPlainGETRoutes(t *testing.T) {
	route := func(m, p string) manifest.Route { return manifest.Route{Method: m, Path: p, Scope: manifest.Public} }
	tests := []struct {
		name   string
		routes []manifest.Route
		want   probe
	}{
		{"plain GET route wins over a parameterised one", []manifest.Route{route("POST", "/api/carts"),
			route("GET", "/api/products/{id}"), route("GET", "/api/products")}, probe{path: "/api/products"}},
		{"parameters are filled and any non-5xx accepted", []manifest.Route{route("GET", "/api/orders/{id}/items/{n}")},
			probe{path: "/api/orders/1/items/1", anyStatus: true}},
		{"no GET route means a plain invocation", []manifest.Route{route("POST", "/api/leads")}, probe{}},
		{"public parameterised GET wins over a protected plain one", []manifest.Route{
			{Method: "GET", Path: "/api/orders", Scope: manifest.Customer}, route("GET", "/api/orders/{id}")},
			probe{path: "/api/orders/1", anyStatus: true}},
		{"protected GET is probed accepting any answer", []manifest.Route{{Method: "GET", Path: "/api/auth/me", Scope: manifest.Customer}},
			probe{path: "/api/auth/me", anyStatus: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := probeFor(manifest.Function{Routes: tt.routes}); got != tt.want {
				t.Errorf("probeFor = %+v, want %+v", got, tt.want)
			}
		})
	}
}
