package migrate_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/schema/ddl"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "octo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func tableNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	return strings.Split(queryString(t, db, `SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name)`), ",")
}

func queryString(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var s sql.NullString
	if err := db.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

func TestRunTwiceOnAnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	first, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if err != nil {
		t.Fatalf("first run: %v\n%s", err, first)
	}
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Applied) != len(ms) || len(first.Current) != len(ms) {
		t.Fatalf("first run applied %d, current %d, want %d", len(first.Applied), len(first.Current), len(ms))
	}
	want := append(schema.Tables(), "schema_migrations")
	for extra := range schema.Extras() {
		want = append(want, extra)
	}
	sort.Strings(want)
	if got := tableNames(t, db); !slices.Equal(got, want) {
		t.Fatalf("tables after migrate:\n got %v\nwant %v", got, want)
	}
	for _, name := range schema.Tables() {
		if !slices.Contains(tableNames(t, db), name) {
			t.Errorf("data-model table %s missing", name)
		}
	}
	objects := queryString(t, db, `SELECT group_concat(type || ':' || name, ',') FROM sqlite_master`)
	history := queryString(t, db, `SELECT group_concat(version || ':' || checksum || ':' || applied_at, ',') FROM schema_migrations`)

	second, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if len(second.Applied) != 0 || len(second.Actions) != 0 || len(second.Skipped) != 0 {
		t.Errorf("second run did something: %s", second)
	}
	if ms, err := schema.Migrations(schema.SQLite); err != nil || !strings.Contains(second.String(), fmt.Sprintf("up to date (%d versions applied)", len(ms))) {
		t.Errorf("second report = %q", second)
	}
	if got := queryString(t, db, `SELECT group_concat(type || ':' || name, ',') FROM sqlite_master`); got != objects {
		t.Errorf("schema objects changed on the second run:\n%s\n%s", objects, got)
	}
	if got := queryString(t, db, `SELECT group_concat(version || ':' || checksum || ':' || applied_at, ',') FROM schema_migrations`); got != history {
		t.Errorf("schema_migrations changed on the second run:\n%s\n%s", history, got)
	}
}

// TestLiveSchemaEqualsParsedModel applies the SQLite DDL for real and compares what SQLite reports
// (PRAGMA table_info, foreign_key_list, index_list) with the parsed model.
func TestLiveSchemaEqualsParsedModel(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{}); err != nil {
		t.Fatal(err)
	}
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	model, err := schema.Model(ms)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range model.Tables {
		t.Run(tb.Name, func(t *testing.T) {
			var cols []string
			for _, c := range tb.Columns {
				// PRAGMA table_info shows a parenthesised default without its parentheses.
				dflt := c.Default
				if strings.HasPrefix(dflt, "(") && strings.HasSuffix(dflt, ")") {
					dflt = dflt[1 : len(dflt)-1]
				}
				cols = append(cols, describeColumn(c.Name, c.Type.Name, c.NotNull, dflt))
			}
			var live []string
			eachRow(t, db, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid`, func(r *sql.Rows) {
				var name, typ string
				var notNull, pk int
				var dflt sql.NullString
				scan(t, r, &name, &typ, &notNull, &dflt, &pk)
				live = append(live, describeColumn(name, typ, notNull == 1 || pk > 0, normalizeExpr(t, dflt.String)))
			}, tb.Name)
			if !slices.Equal(cols, live) {
				t.Errorf("columns:\nmodel %q\n live %q", cols, live)
			}

			var fks, liveFKs []string
			for _, fk := range tb.ForeignKeys {
				for i := range fk.Columns {
					fks = append(fks, fk.Columns[i]+"->"+fk.RefTable+"."+fk.RefColumns[i]+" "+onDelete(fk.OnDelete))
				}
			}
			eachRow(t, db, `SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id DESC, seq`, func(r *sql.Rows) {
				var from, table, to, del string
				scan(t, r, &from, &table, &to, &del)
				liveFKs = append(liveFKs, from+"->"+table+"."+to+" "+del)
			}, tb.Name)
			sort.Strings(fks)
			sort.Strings(liveFKs)
			if !slices.Equal(fks, liveFKs) {
				t.Errorf("foreign keys:\nmodel %q\n live %q", fks, liveFKs)
			}

			// Uniques: constraint-backed (origin "u", columns from index_info) and unique indexes.
			var uniques, liveUniques []string
			for _, u := range tb.Uniques {
				uniques = append(uniques, strings.Join(u.Columns, ","))
			}
			var explicit []string
			for _, ix := range model.IndexesOn(tb.Name) {
				explicit = append(explicit, ix.Name)
				if ix.Unique {
					uniques = append(uniques, ix.Name)
				}
			}
			var liveExplicit []string
			type idx struct {
				name, origin string
				unique       bool
			}
			var idxs []idx
			eachRow(t, db, `SELECT name, "unique", origin FROM pragma_index_list(?)`, func(r *sql.Rows) {
				var i idx
				scan(t, r, &i.name, &i.unique, &i.origin)
				idxs = append(idxs, i)
			}, tb.Name)
			for _, i := range idxs {
				switch i.origin {
				case "c":
					liveExplicit = append(liveExplicit, i.name)
					if i.unique {
						liveUniques = append(liveUniques, i.name)
					}
				case "u":
					var cols []string
					eachRow(t, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, func(r *sql.Rows) {
						var c string
						scan(t, r, &c)
						cols = append(cols, c)
					}, i.name)
					liveUniques = append(liveUniques, strings.Join(cols, ","))
				}
			}
			for _, s := range [][]string{uniques, liveUniques, explicit, liveExplicit} {
				sort.Strings(s)
			}
			if !slices.Equal(uniques, liveUniques) {
				t.Errorf("uniques:\nmodel %q\n live %q", uniques, liveUniques)
			}
			if !slices.Equal(explicit, liveExplicit) {
				t.Errorf("indexes:\nmodel %q\n live %q", explicit, liveExplicit)
			}
			assertForeignKeysIndexed(t, db, tb.Name)
		})
	}
}

// assertForeignKeysIndexed checks, from the live database alone, that every foreign key's columns
// lead some index of the table.
func assertForeignKeysIndexed(t *testing.T, db *sql.DB, table string) {
	t.Helper()
	var leading [][]string
	var names []string
	eachRow(t, db, `SELECT name FROM pragma_index_list(?) WHERE partial = 0`, func(r *sql.Rows) {
		var n string
		scan(t, r, &n)
		names = append(names, n)
	}, table)
	for _, n := range names {
		var cols []string
		eachRow(t, db, `SELECT coalesce(name, '') FROM pragma_index_info(?) ORDER BY seqno`, func(r *sql.Rows) {
			var c string
			scan(t, r, &c)
			cols = append(cols, c)
		}, n)
		leading = append(leading, cols)
	}
	// The INTEGER PRIMARY KEY is the rowid: it has no index entry but is the table's own key.
	eachRow(t, db, `SELECT name FROM pragma_table_info(?) WHERE pk = 1`, func(r *sql.Rows) {
		var c string
		scan(t, r, &c)
		leading = append(leading, []string{c})
	}, table)
	fks := map[int][]string{}
	eachRow(t, db, `SELECT id, "from" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, func(r *sql.Rows) {
		var id int
		var from string
		scan(t, r, &id, &from)
		fks[id] = append(fks[id], from)
	}, table)
	for _, cols := range fks {
		ok := false
		for _, l := range leading {
			ok = ok || len(l) >= len(cols) && slices.Equal(l[:len(cols)], cols)
		}
		if !ok {
			t.Errorf("foreign key %s(%v) has no index", table, cols)
		}
	}
}

func describeColumn(name, typ string, notNull bool, dflt string) string {
	return name + " " + strings.ToUpper(typ) + map[bool]string{true: " NOT NULL", false: ""}[notNull] + " default=" + dflt
}

// normalizeExpr puts a default expression from PRAGMA table_info in the parser's canonical form.
func normalizeExpr(t *testing.T, expr string) string {
	t.Helper()
	if expr == "" {
		return ""
	}
	st, err := ddl.Parse("CREATE TABLE x (c TEXT DEFAULT " + expr + ", CONSTRAINT pk_x PRIMARY KEY (c))")
	if err != nil {
		t.Fatalf("normalize %q: %v", expr, err)
	}
	return st.Table.Columns[0].Default
}

func onDelete(s string) string {
	if s == "" {
		return "NO ACTION"
	}
	return strings.ToUpper(s)
}

func eachRow(t *testing.T, db *sql.DB, q string, fn func(*sql.Rows), args ...any) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		fn(rows)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func scan(t *testing.T, r *sql.Rows, dest ...any) {
	t.Helper()
	if err := r.Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

const okMigration = "CREATE TABLE things (id INTEGER CONSTRAINT pk_things PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);\n"

func TestRunRefusesDestructiveMigrations(t *testing.T) {
	cases := []struct{ name, sql string }{
		{"drop_table", "DROP TABLE things;"},
		{"truncate", "TRUNCATE TABLE things;"},
		{"drop_column", "ALTER TABLE things DROP COLUMN name;"},
		{"delete_rows", "DELETE FROM things;"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := openDB(t)
			src := fstest.MapFS{
				"0001_things.sql":  {Data: []byte(okMigration)},
				"0002_cleanup.sql": {Data: []byte("CREATE INDEX ix_things_name ON things (name);\n" + c.sql + "\n")},
			}
			_, err := migrate.Run(context.Background(), db, schema.SQLite, migrate.Options{Source: src})
			if !errors.Is(err, ddl.ErrDestructive) {
				t.Fatalf("Run error = %v, want ErrDestructive", err)
			}
			if n := queryString(t, db, `SELECT count(*) FROM sqlite_master WHERE name IN ('things', 'schema_migrations')`); n != "0" {
				t.Errorf("%s objects created although the migration set was refused", n)
			}
		})
	}
}

func TestRunStopsWhenAnAppliedMigrationChanged(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	src := fstest.MapFS{"0001_things.sql": {Data: []byte(okMigration)}}
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: src}); err != nil {
		t.Fatal(err)
	}
	src["0001_things.sql"] = &fstest.MapFile{Data: []byte(strings.Replace(okMigration, "name TEXT NOT NULL", "name TEXT", 1))}
	src["0002_more.sql"] = &fstest.MapFile{Data: []byte("CREATE INDEX ix_things_name ON things (name);\n")}
	_, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: src})
	if !errors.Is(err, migrate.ErrChecksumMismatch) {
		t.Fatalf("Run error = %v, want ErrChecksumMismatch", err)
	}
	if n := queryString(t, db, `SELECT count(*) FROM sqlite_master WHERE name = 'ix_things_name'`); n != "0" {
		t.Error("a later version ran despite the checksum mismatch")
	}
}

// TestExistingTableIsCompletedAndDifferencesReported plays the shared-database case: another
// application created customers with fewer and different columns before the first migration.
func TestExistingTableIsCompletedAndDifferencesReported(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO customers (name, email, phone) VALUES ('Existing', 'a@example.com', 5550100)`); err != nil {
		t.Fatal(err)
	}
	rep, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if !errors.Is(err, migrate.ErrIncompatible) {
		t.Fatalf("Run error = %v, want ErrIncompatible\n%s", err, rep)
	}
	var problems []string
	for _, i := range rep.Incompatibilities {
		problems = append(problems, i.String())
	}
	want := []string{
		"v1 customers.email: allows NULL, want NOT NULL",
		"v1 customers.phone: type INTEGER, want TEXT",
		"v1 customers.created_at: added as nullable without its default",
		"v1 customers.updated_at: added as nullable without its default",
	}
	if len(problems) != len(want) || !slices.EqualFunc(problems, want, strings.HasPrefix) {
		t.Errorf("incompatibilities:\n got %q\nwant %q", problems, want)
	}
	for _, col := range []string{"company", "industry", "revenue", "region", "notes", "created_at", "updated_at"} {
		if n := queryString(t, db, `SELECT count(*) FROM pragma_table_info('customers') WHERE name = ?`, col); n != "1" {
			t.Errorf("column customers.%s not added", col)
		}
	}
	if got := queryString(t, db, `SELECT name || ' ' || email || ' ' || phone FROM customers`); got != "Existing a@example.com 5550100" {
		t.Errorf("existing row after migrate: %q, want it untouched", got)
	}
	applied := queryString(t, db, `SELECT group_concat(version) FROM schema_migrations`)
	ms, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	var rest []string
	for _, m := range ms[1:] {
		rest = append(rest, strconv.Itoa(m.Version))
	}
	if want := strings.Join(rest, ","); applied != want {
		t.Errorf("recorded versions = %q, want %s (version 1 has incompatibilities)", applied, want)
	}
	if !slices.Contains(tableNames(t, db), "orders") {
		t.Error("orders not created although only customers was incompatible")
	}

	again, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if !errors.Is(err, migrate.ErrIncompatible) || len(again.Actions) != 0 {
		t.Errorf("second run: err %v, actions %v (want the same findings and nothing executed)", err, again.Actions)
	}
}
