package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	// The embedded database's dialect, registered for Open(Options{Driver: "sqlite"}).
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// testSchema is a small slice of the data model in SQLite DDL, enough for every rule under test.
const testSchema = `
CREATE TABLE products (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sku TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  price NUMERIC NOT NULL CHECK (price >= 0),
  stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
  is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TIMESTAMP
);
CREATE TABLE order_items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX order_items_product_ix ON order_items (product_id);
CREATE TABLE coupons (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE,
  percent NUMERIC NOT NULL DEFAULT 0,
  used_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE customers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  name TEXT CONSTRAINT ck_customers_name_bytes CHECK (length(CAST(name AS BLOB)) <= 8)
);
CREATE UNIQUE INDEX customers_email_uk ON customers (lower(email));
`

// fixture is a pool of package db on a fresh SQLite file with spans recorded in memory, and the
// driver's own pool on the same file (raw) for setup and for reading what was stored.
type fixture struct {
	db      *sql.DB
	raw     *sql.DB
	path    string
	spans   *tracetest.SpanRecorder
	tp      *sdktrace.TracerProvider
	metrics *sdkmetric.ManualReader
}

// rawSchema creates testSchema in a new database file through the driver's own pool, which the test
// keeps for reading what the data layer stored.
func rawSchema(t testing.TB) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "octo.db")
	raw, err := sqlite.OpenPool(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	if _, err := raw.Exec(testSchema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return raw, path
}

func newFixture(t testing.TB) *fixture {
	return newFixtureOn(t, "sqlite")
}

// newFixtureOn is newFixture with the dialect registered under driver (a test dialect wrapping
// SQLite's, see countingDialect).
func newFixtureOn(t testing.TB, driver string) *fixture {
	t.Helper()
	raw, path := rawSchema(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	d, err := Open(context.Background(), Options{
		Driver:         driver,
		DSN:            path,
		ServiceName:    "octo-test",
		ClientInfo:     "catalog@1.2.3",
		DBNamespace:    "octo",
		TracerProvider: tp,
		MeterProvider:  mp,
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return &fixture{db: d, raw: raw, path: path, spans: rec, tp: tp, metrics: reader}
}

// operation starts a parent span as a request handler would.
func (f *fixture) operation(name string) (context.Context, trace.Span) {
	return f.tp.Tracer("test").Start(context.Background(), name)
}

// dbSpans returns the ended spans of package db.
func (f *fixture) dbSpans() []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range f.spans.Ended() {
		if s.InstrumentationScope().Name == instrumentationName {
			out = append(out, s)
		}
	}
	return out
}

func attr(s sdktrace.ReadOnlySpan, key string) (string, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value.String(), true
		}
	}
	return "", false
}

func (f *fixture) mustExec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := f.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
