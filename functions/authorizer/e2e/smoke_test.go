package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// Every function's declared smoke request, sent through the real gateway (and, when it is made as an
// account, through the real authorizer with that seeded account's token), answers 2xx on the seeded
// database. make bench times the same requests as the functions' cold starts, so a declaration that
// does not work fails here first.
func TestSmokeRequestsSucceedThroughTheGateway(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	sendSmokeRequests(t, st)
}

// sendSmokeRequests sends every function's smoke request through st and fails unless each is 2xx.
func sendSmokeRequests(t *testing.T, st *stacktest.Stack) {
	t.Helper()
	for _, name := range st.Bundle.Names() {
		fn, _ := st.Bundle.Function(name)
		if fn.Smoke == nil {
			if len(fn.Routes) > 0 {
				t.Errorf("%s has routes but no smoke request", name)
			}
			continue
		}
		s := fn.Smoke
		t.Run(name, func(t *testing.T) {
			var body io.Reader
			if s.Body != "" {
				body = strings.NewReader(s.Body)
			}
			req, err := http.NewRequestWithContext(t.Context(), s.Method, st.URL+s.Path, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			if s.As != "" {
				var id, customerID int64
				var role string
				if err := st.DB.QueryRowContext(t.Context(), "SELECT id, role, COALESCE(customer_id, 0) FROM users WHERE username = :1",
					seed.AccountFor(s.As)).Scan(&id, &role, &customerID); err != nil {
					t.Fatal(err)
				}
				tok, err := st.Issuer.Issue(identity.Grant{UserID: id, Scopes: identity.ScopesForRole(role), CustomerID: customerID})
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode < 200 || res.StatusCode > 299 {
				t.Fatalf("%s %s answered %d: %s", s.Method, s.Path, res.StatusCode, b)
			}
		})
	}
}
