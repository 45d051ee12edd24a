package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWithRouteNamesTheRouteBeforeTheRouterRuns: what runs outside the router sees the declared
// route the router will take (so the span is named once, from it), and nothing for a request on no
// declared route.
func TestWithRouteNamesTheRouteBeforeTheRouterRuns(t *testing.T) {
	h := testRouter(t)
	for _, tc := range []struct{ name, method, target, want string }{
		{"declared_route", "GET", "/api/widgets/7", "GET /api/widgets/{id}"},
		{"deployment_prefix_is_stripped", "GET", "/v1/api/widgets/7", "GET /api/widgets/{id}"},
		{"unknown_path_has_no_route", "GET", "/api/nowhere", ""},
		{"wrong_method_has_no_route", "PATCH", "/api/widgets/7", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			outer := WithRoute(h, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = r.Pattern
				h.ServeHTTP(w, r)
			}))
			outer.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(tc.method, tc.target, nil))
			if seen != tc.want {
				t.Errorf("pattern before the router = %q, want %q", seen, tc.want)
			}
		})
	}
}

// TestRouterAssignsNoRequestID: the request id is assigned once, outermost (WithRequestID, which
// boot applies first); the router only reads it.
func TestRouterAssignsNoRequestID(t *testing.T) {
	rec := httptest.NewRecorder()
	testRouter(t).ServeHTTP(rec, httptest.NewRequest("GET", "/api/nowhere", nil))
	if id := rec.Header().Get(RequestIDHeader); id != "" {
		t.Errorf("the router set %s %q", RequestIDHeader, id)
	}
}
