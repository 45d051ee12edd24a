package migrate_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// TestConcurrentMigratorsApplyEachVersionOnce: two migrators (separate pools, as two processes) on
// one fresh database. Planned from a catalog read before the other committed, the second one's CREATE
// TABLE failed with "already exists"; each version is now planned under the write lock.
func TestConcurrentMigratorsApplyEachVersionOnce(t *testing.T) {
	for round := range 5 {
		concurrentMigrators(t, filepath.Join(t.TempDir(), "octo.db"))
		if t.Failed() {
			t.Fatalf("round %d failed", round)
		}
	}
}

func concurrentMigrators(t *testing.T, path string) {
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	errs := make([]error, n)
	applied := make([]int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.Ping(); err != nil { // connected before the race starts
			t.Fatal(err)
		}
		wg.Go(func() {
			<-start
			rep, err := migrate.Run(context.Background(), db, schema.SQLite, migrate.Options{})
			errs[i], applied[i] = err, len(rep.Applied)
		})
	}
	close(start)
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
		total += applied[i]
	}
	if total != len(ms) {
		t.Errorf("the migrators applied %v versions, want %d in all (each once)", applied, len(ms))
	}
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || distinct != len(ms) {
		t.Errorf("schema_migrations holds %d rows, %d versions; want %d", rows, distinct, len(ms))
	}
}
