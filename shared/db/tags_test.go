package db

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// What the connector sends the dialect with each statement, recorded by countingDialect
// (identify_test.go): the session tags of an unsampled request, and InsertReturningID's binds.

// TestUnsampledStatementIsSentWithTheRouteAsAction runs a statement under an unsampled request span
// with the route in its context (action.With, what the router does): the ACTION sent to the database
// is the route, never empty and never the placeholder. Its sampled twin is
// TestEveryStatementGetsOneClientSpanUnderItsOperation.
func TestUnsampledStatementIsSentWithTheRouteAsAction(t *testing.T) {
	f, cd := newCountingFixture(t)
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	fn := manifest.Function{Name: "demo", Routes: []manifest.Route{{Method: "GET", Path: "/api/products/{id}", Scope: manifest.Public}}}
	h, err := web.NewRouter(fn, nil, map[string]web.HandlerFunc{
		"GET /api/products/{id}": func(w http.ResponseWriter, r *http.Request) error {
			if err := f.update(t, r.Context(), f.db); err != nil {
				return err
			}
			return InTx(r.Context(), f.db, func(ctx context.Context, tx *sql.Tx) error { return f.update(t, ctx, tx) })
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, span := tp.Tracer("test").Start(context.Background(), "GET")
	defer span.End()
	if span.IsRecording() {
		t.Fatal("the request span was sampled; the test needs an unsampled one")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", "/api/products/7", nil))
	if rec.Code >= 300 {
		t.Fatalf("request answered %d: %s", rec.Code, rec.Body)
	}
	cd.mu.Lock()
	defer cd.mu.Unlock()
	if len(cd.tags) != 3 {
		t.Fatalf("%d tagged calls (statement, BEGIN, statement), want 3", len(cd.tags))
	}
	for i, tg := range cd.tags {
		if tg.Action != "GET /api/products/{id}" {
			t.Errorf("call %d sent ACTION %q, want the route (an empty ACTION leaves the session's previous one)", i, tg.Action)
		}
		if tg.Module != "octo-test" || tg.ClientInfo != "catalog@1.2.3" {
			t.Errorf("call %d sent MODULE %q CLIENT_INFO %q, want octo-test and catalog@1.2.3", i, tg.Module, tg.ClientInfo)
		}
	}
}

// TestInsertReturningIDBindsLikeOtherStatements: the values of an InsertReturningID reach the
// dialect converted by its Bind (on Oracle: money as godror.Number, times at milliseconds; here
// SQLite's text forms), followed by the sql.Out that receives the id.
func TestInsertReturningIDBindsLikeOtherStatements(t *testing.T) {
	f, cd := newCountingFixture(t)
	id, err := InsertReturningID(context.Background(), f.db, insertProduct, "DR-1", "Drone", Decimal("741.20"), 1)
	if err != nil {
		t.Fatal(err)
	}
	cd.mu.Lock()
	defer cd.mu.Unlock()
	if len(cd.returning) != 1 {
		t.Fatalf("%d InsertReturningID calls reached the dialect, want 1", len(cd.returning))
	}
	args := cd.returning[0]
	if len(args) != 5 || args[2].Value != "741.20" || args[3].Value != int64(1) {
		t.Fatalf("binds %#v, want the values converted (Decimal as its text, int as int64) then the out bind", args)
	}
	out, ok := args[4].Value.(sql.Out)
	if !ok {
		t.Fatalf("last bind %#v, want sql.Out", args[4].Value)
	}
	if p, ok := out.Dest.(*int64); !ok || *p != id || id == 0 {
		t.Errorf("out bind %#v, want the *int64 the returned id %d came from", out.Dest, id)
	}
}
