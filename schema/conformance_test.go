package schema_test

import (
	"fmt"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/schema/ddl"
)

func models(t *testing.T) (oracle, sqlite *ddl.Schema) {
	t.Helper()
	var out [2]*ddl.Schema
	for i, d := range []string{schema.Oracle, schema.SQLite} {
		ms, err := schema.Migrations(d)
		if err != nil {
			t.Fatalf("load %s: %v", d, err)
		}
		if out[i], err = schema.Model(ms); err != nil {
			t.Fatalf("model %s: %v", d, err)
		}
	}
	return out[0], out[1]
}

func TestMigrationsHaveTheSameVersionsInBothDialects(t *testing.T) {
	o, err := schema.Migrations(schema.Oracle)
	if err != nil {
		t.Fatal(err)
	}
	s, err := schema.Migrations(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []schema.Migration) []string {
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
		return out
	}
	if !slices.Equal(names(o), names(s)) {
		t.Fatalf("versions differ:\noracle %v\nsqlite %v", names(o), names(s))
	}
	if len(o) == 0 {
		t.Fatal("no migrations embedded")
	}
}

func TestTableListIsTheDataModelPlusDocumentedExtras(t *testing.T) {
	want := schema.Tables()
	if len(want) != 24 {
		t.Fatalf("data model lists %d tables, want 24", len(want))
	}
	for name := range schema.Extras() {
		want = append(want, name)
	}
	sort.Strings(want)
	o, s := models(t)
	for _, m := range []struct {
		dialect string
		model   *ddl.Schema
	}{{schema.Oracle, o}, {schema.SQLite, s}} {
		var got []string
		for _, tb := range m.model.Tables {
			got = append(got, tb.Name)
		}
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s tables:\n got %v\nwant %v", m.dialect, got, want)
		}
	}
	if len(o.Views) != 0 {
		t.Errorf("oracle defines views %v, want none", o.Views)
	}
	if len(s.Views) != 1 || s.Views[0].Name != "dual" {
		t.Errorf("sqlite views = %v, want exactly dual", s.Views)
	}
}

// sqliteType is the SQLite declared type an Oracle type maps to.
func sqliteType(o ddl.Type) string {
	switch o.Name {
	case "NUMBER":
		if len(o.Args) == 2 && o.Args[1] > 0 {
			return "NUMERIC"
		}
		return "INTEGER"
	case "VARCHAR2", "CLOB":
		return "TEXT"
	case "TIMESTAMP WITH TIME ZONE":
		return "TIMESTAMP"
	}
	return "unmapped " + o.String()
}

// sqliteDefault is the SQLite default an Oracle default maps to.
func sqliteDefault(o string) string {
	switch o {
	case "systimestamp":
		return "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
	case "systimestamp + interval '7' day":
		return "(strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+7 days'))"
	}
	return o
}

var isJSON = regexp.MustCompile(`\b([a-z_][a-z0-9_]*) is json\b`)

// sqliteCheck is the SQLite CHECK expression an Oracle one maps to.
func sqliteCheck(o string) string { return isJSON.ReplaceAllString(o, "json_valid($1)") }

var caseKey = regexp.MustCompile(`^case when ([a-z0-9_]+) is not null then ([a-z0-9_]+) end$`)

// canonicalIndex renders an index so that Oracle's "unique over CASE WHEN c IS NOT NULL THEN x END"
// and SQLite's partial "unique over x WHERE c IS NOT NULL" compare equal.
func canonicalIndex(ix *ddl.Index) string {
	keys, where := slices.Clone(ix.Keys), ix.Where
	for i, k := range keys {
		if m := caseKey.FindStringSubmatch(k); m != nil {
			keys[i], where = m[2], m[1]+" is not null"
		}
	}
	return fmt.Sprintf("%s unique=%t on %s (%s) where %q", ix.Name, ix.Unique, ix.Table, strings.Join(keys, ", "), where)
}

// byteCheck is the CHECK the SQLite twin carries for an Oracle VARCHAR2(n) column: Oracle refuses a
// value over n bytes (ORA-12899) whatever its length in characters, and so must the twin.
func byteCheck(table string, c ddl.Column) ddl.Check {
	return ddl.Check{Name: "ck_" + table + "_" + c.Name + "_bytes",
		Expr: fmt.Sprintf("length(cast(%s as blob)) <= %d", c.Name, c.Type.Args[0])}
}

// splitByteChecks separates the byte-length checks (named ck_..._bytes) from the others.
func splitByteChecks(all []ddl.Check) (checks, bytes []ddl.Check) {
	for _, c := range all {
		if strings.HasSuffix(c.Name, "_bytes") {
			bytes = append(bytes, c)
		} else {
			checks = append(checks, c)
		}
	}
	return checks, bytes
}

func TestSQLiteSchemaConformsToOracle(t *testing.T) {
	o, s := models(t)
	for _, ot := range o.Tables {
		st := s.Table(ot.Name)
		if st == nil {
			t.Errorf("table %s missing in sqlite", ot.Name)
			continue
		}
		t.Run(ot.Name, func(t *testing.T) {
			if len(ot.Columns) != len(st.Columns) {
				t.Errorf("column count: oracle %d, sqlite %d", len(ot.Columns), len(st.Columns))
			}
			for i, oc := range ot.Columns {
				if i >= len(st.Columns) {
					break
				}
				sc := st.Columns[i]
				want := ddl.Column{Name: oc.Name, Type: ddl.Type{Name: sqliteType(oc.Type)}, NotNull: oc.NotNull,
					Default: sqliteDefault(oc.Default), Identity: oc.Identity}
				if !reflect.DeepEqual(sc, want) {
					t.Errorf("column %d:\n got %+v\nwant %+v (from oracle %+v)", i, sc, want, oc)
				}
			}
			if !reflect.DeepEqual(ot.PrimaryKey, st.PrimaryKey) {
				t.Errorf("primary key: oracle %+v, sqlite %+v", ot.PrimaryKey, st.PrimaryKey)
			}
			if !reflect.DeepEqual(ot.Uniques, st.Uniques) {
				t.Errorf("unique constraints: oracle %+v, sqlite %+v", ot.Uniques, st.Uniques)
			}
			if !reflect.DeepEqual(ot.ForeignKeys, st.ForeignKeys) {
				t.Errorf("foreign keys: oracle %+v, sqlite %+v", ot.ForeignKeys, st.ForeignKeys)
			}
			var wantChecks, wantBytes []ddl.Check
			for _, c := range ot.Checks {
				wantChecks = append(wantChecks, ddl.Check{Name: c.Name, Expr: sqliteCheck(c.Expr)})
			}
			for _, c := range ot.Columns {
				if c.Type.Name == "VARCHAR2" {
					wantBytes = append(wantBytes, byteCheck(ot.Name, c))
				}
			}
			checks, bytes := splitByteChecks(st.Checks)
			if !reflect.DeepEqual(wantChecks, checks) {
				t.Errorf("checks:\n got %+v\nwant %+v", checks, wantChecks)
			}
			if !reflect.DeepEqual(wantBytes, bytes) {
				t.Errorf("byte-length checks (one per VARCHAR2 column, in column order, as Oracle counts bytes):\n got %+v\nwant %+v", bytes, wantBytes)
			}
			var oi, si []string
			for _, ix := range o.IndexesOn(ot.Name) {
				oi = append(oi, canonicalIndex(ix))
			}
			for _, ix := range s.IndexesOn(ot.Name) {
				si = append(si, canonicalIndex(ix))
			}
			if !slices.Equal(oi, si) {
				t.Errorf("indexes:\noracle %q\nsqlite %q", oi, si)
			}
		})
	}
}

func TestEveryForeignKeyColumnIsIndexed(t *testing.T) {
	o, s := models(t)
	for _, m := range []struct {
		dialect string
		model   *ddl.Schema
	}{{schema.Oracle, o}, {schema.SQLite, s}} {
		t.Run(m.dialect, func(t *testing.T) {
			if missing := m.model.UnindexedForeignKeys(); len(missing) > 0 {
				t.Errorf("foreign keys without a leading index: %v", missing)
			}
		})
	}
}

func TestEachDialectUsesOnlyItsOwnSyntax(t *testing.T) {
	forbidden := map[string]*regexp.Regexp{
		// 23ai-only syntax, and SQLite's, has no place in DDL that must run on ATP 19c.
		schema.Oracle: regexp.MustCompile(`\b(if not exists|boolean|json\s*(,|\)|not|default)|autoincrement|strftime|json_valid|create view|text|numeric|integer)\b`),
		schema.SQLite: regexp.MustCompile(`\b(systimestamp|varchar2|number|clob|is json|generated|interval)\b`),
	}
	for dialect, re := range forbidden {
		ms, err := schema.Migrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			for i, st := range m.Statements {
				if w := re.FindString(strings.ToLower(st.SQL)); w != "" {
					t.Errorf("%s %s statement %d contains %q", dialect, m.File, i+1, w)
				}
			}
		}
	}
}

// TestStatementsSplitAtEveryCreate counts CREATE and ALTER keywords at the start of a line
// independently of the parser: every one must start its own statement, and no statement may hold a
// stray semicolon.
func TestStatementsSplitAtEveryCreate(t *testing.T) {
	creates := regexp.MustCompile(`(?m)^(CREATE|ALTER|UPDATE) `)
	for _, dialect := range []string{schema.Oracle, schema.SQLite} {
		fsys, err := schema.FS(dialect)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := schema.Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			src, err := fs.ReadFile(fsys, m.File)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(creates.FindAllString(string(src), -1)); n != len(m.Statements) {
				t.Errorf("%s/%s: %d CREATE/ALTER lines, %d statements", dialect, m.File, n, len(m.Statements))
			}
			for i, st := range m.Statements {
				if !(strings.HasPrefix(st.SQL, "CREATE ") || strings.HasPrefix(st.SQL, "ALTER ") || strings.HasPrefix(st.SQL, "UPDATE ")) || strings.Contains(st.SQL, ";") {
					t.Errorf("%s/%s statement %d badly split: %.60q", dialect, m.File, i+1, st.SQL)
				}
			}
		}
	}
}
