package migrate_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/migrate"
)

// checkFS is a two-version SQLite migration set: v2 replaces v1's CHECK and adds another.
func checkFS(v2 string) fstest.MapFS {
	return fstest.MapFS{
		"0001_base.sql": {Data: []byte(`CREATE TABLE parents (
    id    INTEGER CONSTRAINT pk_parents PRIMARY KEY AUTOINCREMENT,
    role  TEXT NOT NULL,
    CONSTRAINT ck_parents_role CHECK (role IN ('a', 'b'))
);
CREATE TABLE children (
    id         INTEGER CONSTRAINT pk_children PRIMARY KEY AUTOINCREMENT,
    parent_id  INTEGER NOT NULL,
    CONSTRAINT fk_children_parent FOREIGN KEY (parent_id) REFERENCES parents (id) ON DELETE CASCADE
);
CREATE INDEX ix_children_parent ON children (parent_id);
`)},
		"0002_change.sql": {Data: []byte(v2)},
	}
}

func TestCheckIsReplacedOnSQLiteWithoutTouchingRows(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	v2 := `ALTER TABLE parents ADD CONSTRAINT ck_parents_role CHECK (role IN ('a', 'b', 'c'));
ALTER TABLE parents ADD CONSTRAINT ck_parents_id CHECK (id > 0);
`
	src := checkFS(v2)
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: fstest.MapFS{"0001_base.sql": src["0001_base.sql"]}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`INSERT INTO parents (role) VALUES ('a')`, `INSERT INTO children (parent_id) VALUES (1)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO parents (role) VALUES ('c')`); err == nil {
		t.Fatal("role c accepted before the change")
	}
	rep, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: src})
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	if !strings.Contains(rep.String(), "2 check statements") {
		t.Errorf("report %q does not count the check statements", rep)
	}
	// Every pooled connection sees the new schema (schema_version moved).
	for range 3 {
		if _, err := db.Exec(`INSERT INTO parents (role) VALUES ('c')`); err != nil {
			t.Fatalf("role c refused after the change: %v", err)
		}
	}
	if _, err := db.Exec(`INSERT INTO parents (role) VALUES ('z')`); err == nil || !strings.Contains(err.Error(), "CHECK") {
		t.Fatalf("role z: %v, want the replaced CHECK to refuse it", err)
	}
	if n := queryString(t, db, `SELECT COUNT(*) FROM children`); n != "1" {
		t.Fatalf("children rows %s after the change, want 1 (no cascade from a rebuild)", n)
	}
	create := queryString(t, db, `SELECT sql FROM sqlite_master WHERE name = 'parents'`)
	if strings.Count(create, "ck_parents_role") != 1 || !strings.Contains(create, "ck_parents_id") {
		t.Fatalf("table text %s: want ck_parents_role once and ck_parents_id added", create)
	}
	if ok := queryString(t, db, `PRAGMA integrity_check`); ok != "ok" {
		t.Fatalf("integrity_check: %s", ok)
	}
}

func TestCheckRefusedByExistingRowsChangesNothing(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	src := checkFS(`ALTER TABLE parents ADD CONSTRAINT ck_parents_role CHECK (role IN ('b'));
`)
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: fstest.MapFS{"0001_base.sql": src["0001_base.sql"]}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO parents (role) VALUES ('a')`); err != nil {
		t.Fatal(err)
	}
	before := queryString(t, db, `SELECT sql FROM sqlite_master WHERE name = 'parents'`)
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: src}); err == nil || !strings.Contains(err.Error(), "break the new condition") {
		t.Fatalf("run: %v, want the existing row to stop it", err)
	}
	if after := queryString(t, db, `SELECT sql FROM sqlite_master WHERE name = 'parents'`); after != before {
		t.Fatalf("table text changed:\n%s", after)
	}
	if n := queryString(t, db, `SELECT COUNT(*) FROM schema_migrations WHERE version = 2`); n != "0" {
		t.Fatal("refused version recorded")
	}
}
