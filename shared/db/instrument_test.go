package db

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/action"
	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/web"
)

func TestEveryStatementGetsOneClientSpanUnderItsOperation(t *testing.T) {
	f := newFixture(t)
	const secret = "SKU-SECRET-4711"
	ctx, op := f.operation("catalog.ListProducts")
	sctx := ctx

	id, err := InsertReturningID(sctx, f.db, insertProduct, secret, "Drone", 9, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := InsertReturningID(sctx, f.db, insertProduct, "OTHER", "Drone", 9, 1); err != nil {
		t.Fatal(err)
	}
	rows, err := f.db.QueryContext(sctx, "SELECT id, sku FROM products WHERE price > :1 ORDER BY id FETCH FIRST 10 ROWS ONLY", 0)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var sku string
		if err := rows.Scan(&id, &sku); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExecContext(sctx, "UPDATE products SET stock = stock + :1 WHERE id = :2", 5, id); err != nil {
		t.Fatal(err)
	}
	op.End()

	spans := f.dbSpans()
	wantNames := []string{"INSERT products", "INSERT products", "SELECT products", "UPDATE products"}
	if len(spans) != len(wantNames) {
		t.Fatalf("%d db spans, want %d", len(spans), len(wantNames))
	}
	traceID := op.SpanContext().TraceID().String()
	for i, s := range spans {
		if s.Name() != wantNames[i] {
			t.Errorf("span %d named %q, want %q", i, s.Name(), wantNames[i])
		}
		if s.SpanKind() != trace.SpanKindClient {
			t.Errorf("span %d kind %v, want client", i, s.SpanKind())
		}
		if s.Parent().SpanID() != op.SpanContext().SpanID() {
			t.Errorf("span %d parent %v, want the operation span", i, s.Parent().SpanID())
		}
		text, _ := attr(s, "db.query.text")
		if id, _ := attr(s, "DbOracleSqlId"); id != sqlid.Of(text) || len(id) != 13 {
			t.Errorf("span %d DbOracleSqlId %q, want sqlid.Of(db.query.text) = %q", i, id, sqlid.Of(text))
		}
		if stmt, _ := attr(s, "DbStatement"); stmt != text || !strings.Contains(text, ":1") {
			t.Errorf("span %d DbStatement %q, db.query.text %q: want the same Oracle text with placeholders", i, stmt, text)
		}
		want := map[string]string{
			"db.system.name":           "sqlite",
			"db.namespace":             "octo",
			"db.collection.name":       "products",
			"db.operation.name":        strings.Fields(wantNames[i])[0],
			"oracle.module":            "octo-test",
			"oracle.action":            "catalog.ListProducts",
			"oracle.client_identifier": traceID,
			"oracle.client_info":       "catalog@1.2.3",
		}
		for k, v := range want {
			if got, _ := attr(s, k); got != v {
				t.Errorf("span %d %s = %q, want %q", i, k, got, v)
			}
		}
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.String(), secret) {
				t.Errorf("span %d attribute %s carries a bind value", i, kv.Key)
			}
		}
	}
	if v, _ := attr(spans[2], "db.response.returned_rows"); v != "2" {
		t.Errorf("SELECT returned_rows = %q, want 2", v)
	}
	if text, _ := attr(spans[2], "db.query.text"); !strings.Contains(text, "FETCH FIRST") {
		t.Errorf("db.query.text %q is not the Oracle text", text)
	}
	if v, _ := attr(spans[3], "db.response.affected_rows"); v != "1" {
		t.Errorf("UPDATE affected_rows = %q, want 1", v)
	}
}

func TestQueryRowSpanEndsWithScan(t *testing.T) {
	f := newFixture(t)
	ctx, op := f.operation("op")
	defer op.End()
	var n int
	if err := f.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&n); err != nil {
		t.Fatal(err)
	}
	spans := f.dbSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans ended, want 1", len(spans))
	}
	if v, _ := attr(spans[0], "db.response.returned_rows"); v != "1" {
		t.Errorf("returned_rows = %q, want 1", v)
	}
}

func TestFailedStatementSpanCarriesStatusCode(t *testing.T) {
	f := newFixture(t)
	f.mustExec(t, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", "DUP", "D", 1)
	ctx, op := f.operation("op")
	_, err := f.db.ExecContext(ctx, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", "DUP", "D", 1)
	op.End()
	if err == nil {
		t.Fatal("duplicate accepted")
	}
	spans := f.dbSpans()
	s := spans[len(spans)-1]
	if s.Status().Code != codes.Error {
		t.Errorf("status %v, want error", s.Status())
	}
	if v, _ := attr(s, "db.response.status_code"); v != "2067" {
		t.Errorf("db.response.status_code = %q, want 2067 (SQLITE_CONSTRAINT_UNIQUE)", v)
	}
	if v, _ := attr(s, "error.type"); v != "2067" {
		t.Errorf("error.type = %q, want 2067", v)
	}
}

func TestActionIsCutTo64BytesOnACharacterBoundary(t *testing.T) {
	long := strings.Repeat("a", 63) + "é" + "tail" // é spans bytes 63 and 64
	tests := []struct{ name, in, want string }{
		{"short name kept", "checkout.PlaceOrder", "checkout.PlaceOrder"},
		{"exactly 64 bytes kept", strings.Repeat("b", 64), strings.Repeat("b", 64)},
		{"multi-byte character not split", long, strings.Repeat("a", 63)},
		{"cut at 64 ascii bytes", strings.Repeat("c", 70), strings.Repeat("c", 64)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ctx, op := f.operation(tc.in)
			if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
				t.Fatal(err)
			}
			op.End()
			got, _ := attr(f.dbSpans()[0], "oracle.action")
			if got != tc.want {
				t.Errorf("oracle.action = %q (%d bytes), want %q", got, len(got), tc.want)
			}
		})
	}
}

func TestActionFallsBackToTheOperationNameWhenTheSpanIsNotRecorded(t *testing.T) {
	if got := actionOf(action.With(context.Background(), "GET /api/products")); got != "GET /api/products" {
		t.Errorf("actionOf = %q, want the operation name", got)
	}
	if got := actionOf(context.Background()); got != NoAction {
		t.Errorf("actionOf without span or name = %q, want the placeholder %q (an empty ACTION is never sent, so the session would keep the last one)", got, NoAction)
	}
	if got := actionOf(action.With(context.Background(), "")); got != NoAction {
		t.Errorf("actionOf with an empty name = %q, want %q", got, NoAction)
	}
}

// TestUnsampledRequestRunsUnderItsRoute sends a request the sampler drops through a function's real
// router: its statements must still be tagged with the route as ACTION, not the placeholder (which
// would leave Performance Hub unable to attribute the request's SQL).
func TestUnsampledRequestRunsUnderItsRoute(t *testing.T) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample()))
	defer tp.Shutdown(context.Background())
	fn := manifest.Function{Name: "demo", Routes: []manifest.Route{{Method: "GET", Path: "/api/products/{id}", Scope: manifest.Public}}}
	var got string
	h, err := web.NewRouter(fn, nil, map[string]web.HandlerFunc{
		"GET /api/products/{id}": func(w http.ResponseWriter, r *http.Request) error {
			got = actionOf(r.Context())
			return nil
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
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, "GET", "/api/products/7", nil))
	if want := "GET /api/products/{id}"; got != want {
		t.Errorf("ACTION of an unsampled request = %q, want its route %q", got, want)
	}
}

// TestClientIdentifierIsTheTraceOrNothing: a statement under a trace records its trace id as
// oracle.client_identifier (what ATP's CLIENT_IDENTIFIER is set to); one without a trace records none.
func TestClientIdentifierIsTheTraceOrNothing(t *testing.T) {
	f := newFixture(t)
	ctx, op := f.operation("background")
	if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
		t.Fatal(err)
	}
	op.End()
	if _, err := f.db.ExecContext(context.Background(), "UPDATE products SET stock = 0 WHERE id = -2"); err != nil {
		t.Fatal(err)
	}
	spans := f.dbSpans()
	if v, _ := attr(spans[0], "oracle.client_identifier"); v != op.SpanContext().TraceID().String() {
		t.Errorf("oracle.client_identifier = %q under a trace, want its id %s", v, op.SpanContext().TraceID())
	}
	if v, ok := attr(spans[1], "oracle.client_identifier"); ok {
		t.Errorf("oracle.client_identifier = %q without a trace, want none", v)
	}
}

func TestStatsCountStatementsAndTime(t *testing.T) {
	f := newFixture(t)
	ctx := WithStats(context.Background())
	for range 3 {
		if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := f.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&n); err != nil {
		t.Fatal(err)
	}
	s := StatsFrom(ctx)
	if s.Statements != 4 || s.Duration <= 0 || s.Duration > time.Minute {
		t.Errorf("Stats = %+v, want 4 statements and a positive duration", s)
	}
	if got := StatsFrom(context.Background()); got != (Stats{}) {
		t.Errorf("StatsFrom without WithStats = %+v, want zero", got)
	}
}

func TestDurationHistogramRecordsEveryStatement(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		if _, err := f.db.ExecContext(context.Background(), "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := f.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	var count uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != "db.client.operation.duration" || m.Unit != "s" {
				continue
			}
			for _, dp := range m.Data.(metricdata.Histogram[float64]).DataPoints {
				if op, _ := dp.Attributes.Value("db.operation.name"); op.AsString() == "UPDATE" {
					count += dp.Count
				}
			}
		}
	}
	if count != 3 {
		t.Errorf("db.client.operation.duration counted %d UPDATEs, want 3", count)
	}
}

// TestPreparedStatementsAreInstrumented: a statement prepared through DBTX.PrepareContext is
// translated once and each execution is one CLIENT span with the Oracle text's SQL_ID, its row
// count, a measurement and the statement totals; RETURNING ... INTO cannot be prepared.
func TestPreparedStatementsAreInstrumented(t *testing.T) {
	f := newFixture(t)
	f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", "P-1", "P", 1, 1)
	ctx, op := f.operation("op")
	const upd = "UPDATE products SET stock = stock + :1 WHERE sku = :2"
	const sel = "SELECT stock FROM products WHERE sku = :1"
	pu, err := f.db.PrepareContext(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	defer pu.Close()
	ps, err := f.db.PrepareContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	for range 2 {
		if _, err := pu.ExecContext(ctx, 1, "P-1"); err != nil {
			t.Fatal(err)
		}
	}
	var stock int
	if err := ps.QueryRowContext(ctx, "P-1").Scan(&stock); err != nil || stock != 3 {
		t.Fatalf("stock = %d (%v), want 3", stock, err)
	}
	op.End()
	var spans []sdktrace.ReadOnlySpan
	for _, s := range f.dbSpans() {
		if s.Parent().SpanID() == op.SpanContext().SpanID() {
			spans = append(spans, s)
		}
	}
	if len(spans) != 3 {
		t.Fatalf("%d spans under the operation, want 3 (two executions, one query)", len(spans))
	}
	for i, want := range []struct{ name, text, key, rows string }{
		{"UPDATE products", upd, "db.response.affected_rows", "1"},
		{"UPDATE products", upd, "db.response.affected_rows", "1"},
		{"SELECT products", sel, "db.response.returned_rows", "1"},
	} {
		s := spans[i]
		if s.Name() != want.name || s.SpanKind() != trace.SpanKindClient {
			t.Errorf("span %d = %q %v, want %q client", i, s.Name(), s.SpanKind(), want.name)
		}
		if v, _ := attr(s, "DbOracleSqlId"); v != sqlid.Of(want.text) {
			t.Errorf("span %d DbOracleSqlId %q, want %q", i, v, sqlid.Of(want.text))
		}
		if v, _ := attr(s, "db.query.text"); v != want.text {
			t.Errorf("span %d db.query.text %q, want the Oracle text", i, v)
		}
		if v, _ := attr(s, want.key); v != want.rows {
			t.Errorf("span %d %s = %q, want %s", i, want.key, v, want.rows)
		}
		if v, _ := attr(s, "oracle.action"); v != "op" {
			t.Errorf("span %d oracle.action = %q, want op", i, v)
		}
	}
	for _, st := range Statements(f.db) {
		if st.Text == upd && st.Executions != 2 {
			t.Errorf("Statements: %d executions of the prepared update, want 2", st.Executions)
		}
	}
	if _, err := f.db.PrepareContext(ctx, insertProduct); err == nil {
		t.Error("RETURNING ... INTO was prepared; it runs only through InsertReturningID")
	}
}

// TestInsertReturningIDSpanAndFailure: an InsertReturningID is one span with its affected row; a failed
// one's span carries error.type and the status code, and its error the kind.
func TestInsertReturningIDSpanAndFailure(t *testing.T) {
	f := newFixture(t)
	ctx, op := f.operation("op")
	if _, err := InsertReturningID(ctx, f.db, insertProduct, "DR-1", "Drone", 9, 1); err != nil {
		t.Fatal(err)
	}
	_, err := InsertReturningID(ctx, f.db, insertProduct, "DR-1", "Drone", 9, 1)
	op.End()
	if !errors.Is(err, ErrUniqueViolation) || apperr.KindOf(err) != apperr.Conflict {
		t.Fatalf("duplicate insert: err = %v, want ErrUniqueViolation, a conflict", err)
	}
	spans := f.dbSpans()
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	if v, _ := attr(spans[0], "db.response.affected_rows"); v != "1" {
		t.Errorf("InsertReturningID affected_rows = %q, want 1", v)
	}
	if spans[1].Status().Code != codes.Error {
		t.Errorf("failed insert status %v, want error", spans[1].Status())
	}
	if v, _ := attr(spans[1], "error.type"); v != "2067" {
		t.Errorf("failed insert error.type = %q, want 2067", v)
	}
	if v, _ := attr(spans[1], "db.response.status_code"); v != "2067" {
		t.Errorf("failed insert db.response.status_code = %q, want 2067", v)
	}
}
