package security_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// advisor has one route that is signed in when the caller sends a token, and one plain public route.
var advisor = manifest.Function{Name: "advisor", Routes: []manifest.Route{
	{Method: "GET", Path: "/api/advice", Scope: manifest.Public, Auth: manifest.OptionalAuth},
	{Method: "GET", Path: "/api/open", Scope: manifest.Public},
}}

// whoami answers the principal identity.FromRequest reads, "anonymous" without one.
func whoami(w http.ResponseWriter, r *http.Request) error {
	who := "anonymous"
	if p, err := identity.FromRequest(r); err == nil {
		who = p.ID + " " + strings.Join(p.Scopes, ",")
	}
	web.JSON(w, http.StatusOK, map[string]string{"who": who})
	return nil
}

type brokenVerifier struct{}

func (brokenVerifier) Verify(context.Context, string) (identity.Verified, error) {
	return identity.Verified{}, errors.New("jwks: connection refused")
}

// A route declaring auth: optional takes its principal from the bearer token alone, verified in the
// function: anonymous without one, the token's principal with a good one (whatever principal headers
// came with it), 401 with the RFC 6750 challenge for a bad one or another scheme, 503 when the keys
// cannot be read. A plain public route is left as it is.
func TestOptionalRoutesAreSignedInByTheirToken(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	tokens := dbtest.NewTokens(t)
	shopper := tokens.Bearer(t, d, "shopper")
	other := tokens.BearerFor(t, 4, 0, "customer")
	forged := map[string]string{web.PrincipalHeader: "user:4", web.ScopesHeader: "customer admin"}
	handler := func(v security.TokenVerifier) http.Handler {
		h, err := web.NewRouter(advisor, slog.Default(), security.Optional(advisor, v, slog.Default(),
			map[string]web.HandlerFunc{"GET /api/advice": whoami, "GET /api/open": whoami}))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	good := handler(tokens.Verifier)
	merge := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	shopperID := d.Int(t, `SELECT id FROM users WHERE username = 'shopper'`)
	for _, tc := range []struct {
		name      string
		h         http.Handler
		path      string
		header    map[string]string
		status    int
		who       string
		challenge bool
	}{
		{"no_token_is_anonymous", good, "/api/advice", nil, 200, "anonymous", false},
		{"forged_headers_without_token_are_dropped", good, "/api/advice", forged, 200, "anonymous", false},
		{"good_token_signs_in", good, "/api/advice", shopper, 200, identity.LocalPrincipal(shopperID) + " customer", false},
		{"good_token_wins_over_forged_headers", good, "/api/advice", merge(other, forged), 200, "user:4 customer", false},
		{"tampered_token_is_401", good, "/api/advice", map[string]string{"Authorization": shopper["Authorization"] + "x"}, 401, "", true},
		{"token_of_another_issuer_is_401", good, "/api/advice", dbtest.NewTokens(t).BearerFor(t, 1, 0, "admin"), 401, "", true},
		{"other_scheme_is_401", good, "/api/advice", map[string]string{"Authorization": "Basic c2hvcHBlcjpzZWNyZXQ="}, 401, "", true},
		{"unreadable_keys_are_503", handler(brokenVerifier{}), "/api/advice", shopper, 503, "", false},
		{"plain_public_route_is_untouched", good, "/api/open", forged, 200, "user:4 customer,admin", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.who != "" && !strings.Contains(rec.Body.String(), `"who":"`+tc.who+`"`) {
				t.Fatalf("body %s, want who %q", rec.Body, tc.who)
			}
			if got := rec.Header().Get("WWW-Authenticate"); (got == identity.ChallengeInvalid) != tc.challenge {
				t.Fatalf("WWW-Authenticate %q, challenge wanted: %v", got, tc.challenge)
			}
		})
	}
}
