package sqltext_test

import (
	"context"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

// FuzzTranslate checks properties of the Oracle-to-SQLite translator on arbitrary text: it is
// deterministic; it never adds, drops or changes a string literal (but those of the expression SYSTIMESTAMP becomes); the named binds it sees are kept
// as they are and the positional binds are renumbered one for one (those of RETURNING ... INTO,
// whose values come back as a result row, are the only binds dropped); and when the input is a
// statement the repository runs (every SQL constant in shared/ and functions/, collected from the
// source), the translation prepares on SQLite against the migrated schema. The seed corpus is those
// statements plus testdata/fuzz/FuzzTranslate.
func FuzzTranslate(f *testing.F) {
	repo := repoStatements(f)
	for _, s := range repo {
		f.Add(s)
	}
	known := map[string]bool{}
	for _, s := range repo {
		known[s] = true
	}
	var prepare func(t *testing.T, text string) error
	f.Fuzz(func(t *testing.T, in string) {
		out, err := sqltext.Translate(in)
		out2, err2 := sqltext.Translate(in)
		if out != out2 || (err == nil) != (err2 == nil) {
			t.Fatalf("Translate(%q) twice: %q (%v), %q (%v)", in, out, err, out2, err2)
		}
		if err != nil {
			if known[in] {
				t.Fatalf("a statement the repository runs does not translate: %v\n%s", err, in)
			}
			return
		}
		if a, b := sqltext.ExpectedLiterals(in), sqltext.Literals(out); !slices.Equal(a, b) {
			t.Fatalf("string literals changed:\n in  %q\n out %q\n(%q -> %q)", a, b, in, out)
		}
		inNamed, inPos, into := sqltext.Binds(in)
		outNamed, outPos, _ := sqltext.Binds(out)
		inNamed = slices.DeleteFunc(inNamed, func(n string) bool { return slices.Contains(into, n) })
		if !slices.Equal(inNamed, outNamed) {
			t.Fatalf("named binds changed: %q -> %q (%q -> %q)", inNamed, outNamed, in, out)
		}
		want := slices.DeleteFunc(slices.Clone(inPos), func(n string) bool { return slices.Contains(into, n) })
		if !subset(want, outPos) || !subset(outPos, inPos) {
			t.Fatalf("positional binds %q (INTO %q) became %q (%q -> %q)", inPos, into, outPos, in, out)
		}
		if known[in] {
			if prepare == nil {
				prepare = migratedSQLite(t)
			}
			if err := prepare(t, out); err != nil {
				t.Fatalf("the translation of a statement the repository runs does not prepare on SQLite: %v\n%s\n->\n%s", err, in, out)
			}
		}
	})
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// oracleOnly marks statements that only ever run on Oracle (the data dictionary, PL/SQL packages).
var oracleOnly = []string{"V$", "GV$", "DBA_", "USER_", "ALL_", "DBMS_", "SYS_CONTEXT", "CONNECT BY", "BEGIN ", "DECLARE "}

// repoStatements collects the SQL constants of shared/ and functions/: string constants and
// variables whose text starts with a DML keyword, from every non-test Go file but the Oracle-only
// ones (files named *oracle*, package shared/oracle, constants named oracle...).
func repoStatements(tb testing.TB) []string {
	tb.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		tb.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	fset := gotoken.NewFileSet()
	for _, dir := range []string{"shared", "functions"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") ||
				strings.Contains(filepath.Base(p), "oracle") || strings.Contains(p, "/shared/oracle/") {
				return err // Oracle-only code: the Oracle adapter, the migrator's Oracle lock
			}
			src, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			file, err := parser.ParseFile(fset, p, src, 0)
			if err != nil {
				return err
			}
			ast.Inspect(file, func(n ast.Node) bool {
				spec, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, v := range spec.Values {
					if i < len(spec.Names) && strings.HasPrefix(strings.ToLower(spec.Names[i].Name), "oracle") {
						continue // an Oracle-only statement (the migrator's lock)
					}
					lit, ok := v.(*ast.BasicLit)
					if !ok || lit.Kind != gotoken.STRING {
						continue
					}
					s, err := strconv.Unquote(lit.Value)
					if err != nil || !isStatement(s) || seen[s] {
						continue
					}
					seen[s] = true
					out = append(out, s)
				}
				return true
			})
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if len(out) < 100 {
		tb.Fatalf("found %d SQL constants in the repository, expected hundreds", len(out))
	}
	slices.Sort(out)
	return out
}

// isStatement reports whether s is a DML statement that runs on both databases.
func isStatement(s string) bool {
	upper := strings.ToUpper(strings.TrimSpace(s))
	first, _, _ := strings.Cut(upper, " ")
	first, _, _ = strings.Cut(first, "\n")
	switch first {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "WITH":
	default:
		return false
	}
	for _, o := range oracleOnly {
		if strings.Contains(upper, o) {
			return false
		}
	}
	return true
}

// migratedSQLite returns a function preparing statements on a fresh SQLite database holding the
// schema's SQLite migrations.
func migratedSQLite(t *testing.T) func(t *testing.T, text string) error {
	dir, err := os.MkdirTemp("", "translate-fuzz")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := sqlite.Open(filepath.Join(dir, "octo.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Run(context.Background(), pool, schema.SQLite, migrate.Options{}); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	var mu sync.Mutex
	return func(t *testing.T, text string) error {
		mu.Lock()
		defer mu.Unlock()
		st, err := pool.PrepareContext(context.Background(), text)
		if err != nil {
			return err
		}
		return st.Close()
	}
}
