package db

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

func TestStatementsCountExecutionsRowsAndFailures(t *testing.T) {
	_, path := rawSchema(t)
	d, err := Open(context.Background(), Options{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	const upd = "UPDATE products SET stock = stock WHERE id = :1"
	for range 3 {
		if _, err := d.ExecContext(ctx, upd, 1); err != nil {
			t.Fatal(err)
		}
	}
	const bad = "SELECT no_such_column FROM products"
	if _, err := d.QueryContext(ctx, bad); err == nil {
		t.Fatal("want an error")
	}
	stats := map[string]StatementStat{}
	for _, s := range Statements(d) {
		stats[s.Text] = s
	}
	u := stats[upd]
	if u.Executions != 3 || u.SQLID != sqlid.Of(upd) || u.Operation != "UPDATE" || u.Failures != 0 || u.Elapsed <= 0 {
		t.Fatalf("update stats = %+v", u)
	}
	if b := stats[bad]; b.Executions != 1 || b.Failures != 1 {
		t.Fatalf("failed select stats = %+v", b)
	}
}

// TestObserveAndDialectOf: a pool opened before telemetry reports to the providers Observe gives it
// from then on; DialectOf and Statements know only pools Open made.
func TestObserveAndDialectOf(t *testing.T) {
	_, path := rawSchema(t)
	d, err := Open(context.Background(), Options{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	if err := Observe(d, tp, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(context.Background(), "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
		t.Fatal(err)
	}
	if n := len(rec.Ended()); n != 1 {
		t.Errorf("%d spans recorded after Observe, want 1", n)
	}
	if got := DialectOf(d); got != "sqlite" {
		t.Errorf("DialectOf = %q, want sqlite", got)
	}
	raw, err := sqlite.OpenPool(path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if got := DialectOf(raw); got != "" {
		t.Errorf("DialectOf(a pool Open did not make) = %q, want \"\"", got)
	}
	if Statements(raw) != nil || Observe(raw, tp, nil) == nil {
		t.Error("Statements or Observe accepted a pool Open did not make")
	}
}
