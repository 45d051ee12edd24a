package dbtest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// RequireSQLite skips the test when it runs on Oracle: for the few tests about the embedded
// database itself (its file, its deferred transactions, processes sharing the file).
func (d *DB) RequireSQLite(t testing.TB) {
	t.Helper()
	if db.DialectOf(d.DB) != schema.SQLite {
		t.Skipf("the test is about the embedded database (%s is set)", OracleDSNVar)
	}
}

// Deferred returns a second data layer on the same SQLite file whose transactions are deferred (BEGIN
// locks nothing, as Oracle's READ COMMITTED takes no lock on a read), over a pool of conns
// connections, closed when the test ends: for the tests that show a write path locks before it
// decides (ARCHITECTURE.md, "Concurrency on Oracle"). It skips the test on Oracle (RequireSQLite),
// where the real database makes the point.
func (d *DB) Deferred(t testing.TB, conns int) *sql.DB {
	t.Helper()
	d.RequireSQLite(t)
	store, err := db.Open(context.Background(), db.Options{Driver: schema.SQLite, Connector: sqlite.DSNConnector(sqlite.DeferredDSN(d.Path))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	store.SetMaxOpenConns(conns)
	return store
}
