package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
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

// Probes are the declared smoke requests, made as the seeded account of their scope; the
// authorizer's is a customer token that the same key verifies.
func TestProbesAreSmokeRequestsAsSeededAccounts(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	d.RequireSQLite(t)
	pr, err := newProber(t.Context(), d.Path)
	if err != nil {
		t.Fatal(err)
	}
	orders := manifest.Function{Name: "orders",
		Routes: []manifest.Route{{Method: "GET", Path: "/api/orders", Scope: manifest.Customer}},
		Smoke:  &manifest.Smoke{Method: "GET", Path: "/api/orders", As: manifest.Customer}}
	p, err := pr.probeFor(orders)
	if err != nil {
		t.Fatal(err)
	}
	h := p.call(1).HTTP.Header
	if p.method != "GET" || p.path != "/api/orders" || h.Get(web.PrincipalHeader) != "user:4" || h.Get(web.ScopesHeader) != "customer" || p.bearer == "" {
		t.Fatalf("signed-in probe %+v with headers %v", p, h)
	}
	leads := manifest.Function{Name: "lead-capture", Smoke: &manifest.Smoke{Method: "POST", Path: "/api/leads", Body: `{"x":1}`}}
	if p, err := pr.probeFor(leads); err != nil || p.principal != "" || string(p.call(1).Body) != `{"x":1}` ||
		p.call(1).HTTP.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("public POST probe %+v, %v", p, err)
	}
	if _, err := pr.probeFor(manifest.Function{Name: "bare"}); err == nil {
		t.Fatal("a function without a smoke request got a probe")
	}

	auth, err := pr.probeFor(manifest.Function{Name: "authorizer", Authorizer: true})
	if err != nil {
		t.Fatal(err)
	}
	var in gateway.AuthorizerInput
	if err := json.Unmarshal(auth.call(1).Body, &in); err != nil || auth.call(1).HTTP != nil {
		t.Fatalf("authorizer probe is no plain invocation of an authorizer input: %v", err)
	}
	settings, err := identity.TokenSettingsFromEnv(func(k string) string {
		return map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": d.Path}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := settings.VerificationKeys(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := identity.NewVerifier(identity.VerifierOptions{Issuers: []identity.TrustedIssuer{
		{Issuer: settings.Issuer, Audience: settings.Audience, Keys: keys, Local: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), strings.TrimPrefix(in.Data["token"], "Bearer ")); err != nil {
		t.Fatalf("the authorizer would refuse the probe's token: %v", err)
	}
	// An answer outside 2xx, or an authorizer answer that is not active, fails the probe.
	if p.check(401, nil) == nil || auth.check(200, []byte(`{"active":false}`)) == nil || auth.check(200, []byte(`{"active":true}`)) != nil {
		t.Fatal("check accepts what it must refuse, or the reverse")
	}
}

// Every subject starts from a copy of its binary: same bytes, executable, in the staging directory.
func TestSubjectsStartFromCopies(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "fn")
	if err := os.WriteFile(src, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	subjects := []subject{{name: "a", spec: gateway.ProcessSpec{Binary: src}}, {name: "b", spec: gateway.ProcessSpec{Binary: src}}}
	staged, err := stageBinaries(subjects)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(staged)
	if subjects[0].spec.Binary == subjects[1].spec.Binary {
		t.Fatal("two subjects share one copy")
	}
	for _, s := range subjects {
		if filepath.Dir(s.spec.Binary) != staged {
			t.Fatalf("%s starts %s, not a copy in %s", s.name, s.spec.Binary, staged)
		}
		out, err := exec.Command(s.spec.Binary).Output()
		if err != nil || string(out) != "hi\n" {
			t.Fatalf("the copy of %s ran %q, %v", s.name, out, err)
		}
	}
}

func TestRatioIntervalHoldsTheRatioAndNarrowsWithoutNoise(t *testing.T) {
	ms := func(vs ...float64) []time.Duration {
		out := make([]time.Duration, len(vs))
		for i, v := range vs {
			out[i] = time.Duration(v * float64(time.Millisecond))
		}
		return out
	}
	hello := ms(3.0, 3.1, 2.9, 3.0, 3.2, 2.8, 3.0, 3.1, 2.9, 3.0, 3.0)
	// Exactly twice the hello-world in every round: the interval is the ratio itself.
	twice := make([]time.Duration, len(hello))
	for i, h := range hello {
		twice[i] = 2 * h
	}
	if lo, hi := ratioInterval(twice, hello); lo != 2 || hi != 2 {
		t.Errorf("twice the hello-world: interval %.3f-%.3f, want 2-2", lo, hi)
	}
	// Noisy rounds: the interval holds the ratio of the medians and has a width.
	noisy := ms(5.5, 6.8, 5.9, 6.1, 7.4, 5.2, 6.0, 6.6, 5.7, 6.3, 5.8)
	ratio := float64(percentile(noisy, 0.5)) / float64(percentile(hello, 0.5))
	lo, hi := ratioInterval(noisy, hello)
	if !(lo <= ratio && ratio <= hi) || hi-lo < 0.05 {
		t.Errorf("noisy: interval %.3f-%.3f around ratio %.3f", lo, hi, ratio)
	}
	if lo2, hi2 := ratioInterval(noisy, hello); lo2 != lo || hi2 != hi {
		t.Errorf("the same samples gave %.3f-%.3f, then %.3f-%.3f", lo, hi, lo2, hi2)
	}
	if lo, hi := ratioInterval(nil, hello); lo != 0 || hi != 0 {
		t.Errorf("no samples: %.3f-%.3f, want zeros", lo, hi)
	}
}
