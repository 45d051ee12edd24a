package oraclecheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// unsupported are the database/sql types godror v0.51.0 does not handle as their names promise.
var unsupported = map[string]string{
	"NullString": "NULL comes back as a Valid \"\"; scan into a string",
	"NullInt16":  "not bound or scanned by godror; use sql.NullInt32 or sql.NullInt64",
	"NullByte":   "not bound or scanned by godror; use sql.NullInt32",
}

// allowed are the files that name an unsupported type on purpose.
var allowed = map[string]string{
	"shared/sqlite/scan.go": "the embedded database's scanner hands a sql.NullString back as godror does (always Valid)",
}

// TestNoTypesGodrorDoesNotSupport fails when non-test Go code in shared/ or functions/ uses
// sql.NullString, sql.Null[string] or another database/sql type godror does not support.
func TestNoTypesGodrorDoesNotSupport(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	var found []string
	for _, dir := range []string{"shared", "functions"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, path)
			if _, ok := allowed[filepath.ToSlash(rel)]; ok {
				return nil
			}
			found = append(found, uses(t, path, filepath.ToSlash(rel))...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range found {
		t.Error(f)
	}
}

// uses lists the unsupported types file names, as "file:line: sql.X: why".
func uses(t *testing.T, path, rel string) []string {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	sqlName := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "database/sql" {
			sqlName = "sql"
			if imp.Name != nil {
				sqlName = imp.Name.Name
			}
		}
	}
	if sqlName == "" {
		return nil
	}
	isSQL := func(e ast.Expr, name string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != name {
			return false
		}
		id, ok := sel.X.(*ast.Ident)
		return ok && id.Name == sqlName
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			for name, why := range unsupported {
				if isSQL(n, name) {
					out = append(out, rel+":"+strconv.Itoa(fset.Position(n.Pos()).Line)+": sql."+name+": "+why)
				}
			}
		case *ast.IndexExpr:
			if id, ok := n.Index.(*ast.Ident); ok && id.Name == "string" && isSQL(n.X, "Null") {
				out = append(out, rel+":"+strconv.Itoa(fset.Position(n.Pos()).Line)+": sql.Null[string]: NULL comes back as a Valid \"\"; scan into a string")
			}
		}
		return true
	})
	return out
}
