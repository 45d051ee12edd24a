package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// TestMigrateTwiceThenSeedOnAnEmptyEmbeddedDatabase is the acceptance path of `octo migrate`,
// `octo migrate`, `octo seed`, `octo seed --if-empty`, `octo seed` on a new database file.
func TestMigrateTwiceThenSeedOnAnEmptyEmbeddedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "octo.db")
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": path}
	var out bytes.Buffer
	env := commandEnv{Getenv: func(k string) string { return vars[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}

	state := func(raw *sql.DB) (tables, objects, history string) {
		t.Helper()
		for q, dest := range map[string]*string{
			`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`: &tables,
			`SELECT group_concat(type || ':' || name) FROM sqlite_master`:                                      &objects,
			`SELECT group_concat(version || ':' || checksum || ':' || applied_at) FROM schema_migrations`:      &history,
		} {
			if err := raw.QueryRow(q).Scan(dest); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return tables, objects, history
	}

	if err := run(ctx, env, []string{"migrate"}); err != nil {
		t.Fatalf("first migrate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "applied 0001_core") {
		t.Errorf("first migrate printed %q", out.String())
	}
	raw, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, name := range schema.Tables() {
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil || n != 1 {
			t.Errorf("data-model table %s: found %d, %v", name, n, err)
		}
	}
	var unindexed int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f.seq = 0 AND NOT EXISTS (
			SELECT 1 FROM pragma_index_list(m.name) il, pragma_index_info(il.name) ii
			 WHERE ii.seqno = 0 AND ii.name = f."from" AND il.partial = 0)`).Scan(&unindexed); err != nil {
		t.Fatal(err)
	}
	if unindexed != 0 {
		t.Errorf("%d foreign keys without an index led by their first column", unindexed)
	}
	tables, objects, history := state(raw)

	out.Reset()
	if err := run(ctx, env, []string{"migrate"}); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Errorf("second migrate printed %q", out.String())
	}
	if t2, o2, h2 := state(raw); t2 != tables || o2 != objects || h2 != history {
		t.Errorf("second migrate changed the database: tables %s->%s, history %s->%s", tables, t2, history, h2)
	}

	out.Reset()
	if err := run(ctx, env, []string{"seed"}); err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	var products int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM products`).Scan(&products); err != nil || products < 40 {
		t.Fatalf("products after seed = %d, %v", products, err)
	}
	out.Reset()
	if err := run(ctx, env, []string{"seed", "--if-empty"}); err != nil || !strings.Contains(out.String(), "nothing seeded") {
		t.Errorf("seed --if-empty on a seeded database: %v, %q", err, out.String())
	}
	if err := run(ctx, env, []string{"seed"}); !errors.Is(err, seed.ErrNotEmpty) {
		t.Errorf("second seed: %v, want ErrNotEmpty", err)
	}
}
