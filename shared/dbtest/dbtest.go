// Package dbtest gives tests a real embedded database: a fresh SQLite file in the test's temporary
// directory, opened the way functions open it (WAL, busy timeout, immediate transactions), migrated
// with the real migrations and, when asked, loaded with the real seed data. Every statement runs
// through the real data layer, so tests exercise the exact SQL the functions send.
//
// With OCTO_TEST_ORACLE_DSN set, the same tests run on that Oracle database instead, each in a schema
// of its own created for it and dropped after it (see Open and the README's "Testing on Oracle").
package dbtest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"

	"go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// Options selects what the database holds and how it is observed.
type Options struct {
	// Seed loads the demo data set after migrating.
	Seed bool
	// Spans, when set, records every span of the data layer (one per statement).
	Spans *tracetest.SpanRecorder
}

// DB is a migrated test database.
type DB struct {
	*sql.DB
	// Path is the database file, for tests that start function processes on the same file ("" on
	// Oracle: such tests call RequireSQLite).
	Path string
	// TracerProvider is the provider the data layer reports to (recording into Options.Spans).
	TracerProvider *trace.TracerProvider
}

// Open creates, migrates and optionally seeds a database that is closed when the test ends: a fresh
// SQLite file, or, when OCTO_TEST_ORACLE_DSN is set, a fresh schema on that Oracle database (see
// openOracle; an unreachable database fails the test naming the DSN, never skips it).
func Open(t testing.TB, opts Options) *DB {
	t.Helper()
	if dsn := strings.TrimSpace(os.Getenv(OracleDSNVar)); dsn != "" {
		return openOracle(t, dsn, opts)
	}
	path := filepath.Join(t.TempDir(), "octo.db")
	pool, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("dbtest: open: %v", err)
	}
	t.Cleanup(func() { _ = pool.Close() })
	if _, err := migrate.Run(context.Background(), pool, schema.SQLite, migrate.Options{}); err != nil {
		t.Fatalf("dbtest: migrate: %v", err)
	}
	connector, err := sqlite.Connector(path)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return finish(t, connector, schema.SQLite, path, opts)
}

// finish opens the data layer over the driver connector of a migrated database of the dialect and
// seeds it when asked.
func finish(t testing.TB, connector driver.Connector, dialect, path string, opts Options) *DB {
	t.Helper()
	ctx := context.Background()
	var tpOpts []trace.TracerProviderOption
	if opts.Spans != nil {
		tpOpts = append(tpOpts, trace.WithSpanProcessor(opts.Spans))
	}
	tp := trace.NewTracerProvider(tpOpts...)
	t.Cleanup(func() { _ = tp.Shutdown(ctx) })
	// OCTO_SQL_TRACE_FILE (set by make test) collects every statement run, for the check that every
	// statement in the code ran against the embedded database.
	d, err := db.Open(ctx, db.Options{Driver: dialect, Connector: connector, ClientInfo: "test@dev", DBNamespace: "octo", TracerProvider: tp,
		StatementLog: os.Getenv("OCTO_SQL_TRACE_FILE")})
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if opts.Seed {
		if _, err := seed.Run(ctx, d, seed.Options{}); err != nil {
			t.Fatalf("dbtest: seed: %v", err)
		}
	}
	return &DB{DB: d, Path: path, TracerProvider: tp}
}

// Int runs a query returning one integer (a count, an id) and fails the test when it does not.
func (d *DB) Int(t testing.TB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// Exec runs a statement that sets up or alters a test's data and fails the test when it fails.
func (d *DB) Exec(t testing.TB, query string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}
