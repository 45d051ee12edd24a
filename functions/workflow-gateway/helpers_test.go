package workflowgateway

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// fixture is the function over a seeded embedded database.
type fixture struct {
	h  http.Handler
	db *dbtest.DB
}

func newFixture(t *testing.T, opts Options) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	if opts.Platform == nil {
		opts.Platform = EmbeddedPlatform{DB: d.DB}
	}
	if opts.SelectAIProfile == "" {
		opts.SelectAIProfile = "OCTO_SHOP_AI"
	}
	h, err := New(d.DB, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	// As package boot serves it: behind the security middleware, which Audit reads the caller from.
	return fixture{h: security.New(security.Config{}, d.DB, nil, nil).Middleware(h), db: d}
}

// admin is the headers the gateway sets for the seeded admin (who holds ops).
func admin() map[string]string {
	return map[string]string{web.PrincipalHeader: identity.LocalPrincipal(1), web.ScopesHeader: strings.Join(identity.ScopesForRole("admin"), " ")}
}

func (f fixture) serve(method, target, body string) dbtest.Served {
	return dbtest.Serve(f.h, method, target, body, admin())
}

// recorder is a Querier that records every statement and its binds and answers canned values.
type recorder struct {
	mu     sync.Mutex
	calls  []call
	answer string
	rows   [][]any
	err    error
}

type call struct {
	query string
	args  []any
}

func (r *recorder) QueryText(_ context.Context, query string, args ...any) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{query, args})
	return r.answer, r.err
}

func (r *recorder) QueryRows(_ context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	r.mu.Lock()
	r.calls = append(r.calls, call{query, args})
	r.mu.Unlock()
	for _, vals := range r.rows {
		err := row(func(dest ...any) error {
			for i, d := range dest {
				switch p := d.(type) {
				case *string:
					*p = vals[i].(string)
				case *int64:
					*p = vals[i].(int64)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return r.err
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
