// Command sqlcover checks that every SQL statement in the code ran at least once against the embedded
// database during the test suite. `make test` runs the tests with OCTO_SQL_TRACE_FILE set, so package
// db appends each distinct statement text it runs to that file, then runs this command over the
// functions and the shared packages they run SQL through.
//
// A statement in the code is a string literal (not in a _test.go file) that starts with an upper-case
// SQL verb (SELECT, INSERT, UPDATE, DELETE, MERGE, WITH) and has at least three words. It is covered
// when it appears, byte for byte, inside some statement of the trace: statements assembled from
// several literals (a column list, an ORDER BY chosen at run time) are covered piece by piece.
// Oracle-only statements that cannot run on the embedded database live outside the checked packages
// (shared/oracle, shared/migrate's dictionary queries, shared/db's session tagging).
//
//	sqlcover -trace .cache/sql-trace.jsonl functions shared/commerce shared/identity shared/seed
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var sqlStart = regexp.MustCompile(`^\s*(SELECT|INSERT|UPDATE|DELETE|MERGE|WITH)\s`)

// Statement is a SQL literal found in the code.
type Statement struct {
	Pos  string
	Text string
}

func main() {
	trace := flag.String("trace", "", "statement trace written by package db (JSON string per line)")
	flag.Parse()
	if *trace == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sqlcover -trace FILE DIR...")
		os.Exit(2)
	}
	ran, err := readTrace(*trace)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sqlcover:", err)
		os.Exit(2)
	}
	var stmts []Statement
	for _, dir := range flag.Args() {
		found, err := findStatements(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sqlcover:", err)
			os.Exit(2)
		}
		stmts = append(stmts, found...)
	}
	missing := uncovered(stmts, ran)
	fmt.Printf("sqlcover: %d SQL statements in the code, %d distinct statements run by the tests, %d never run\n",
		len(stmts), len(ran), len(missing))
	for _, s := range missing {
		fmt.Printf("  never run on the embedded database: %s: %.100q\n", s.Pos, s.Text)
	}
	if len(missing) > 0 {
		os.Exit(1)
	}
}

func readTrace(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read trace: %w (run the tests with OCTO_SQL_TRACE_FILE set)", err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var s string
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("trace line %q: %w", sc.Text(), err)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("the trace is empty")
	}
	return out, nil
}

func findStatements(root string) ([]Statement, error) {
	var out []Statement
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil || !sqlStart.MatchString(text) || len(strings.Fields(text)) < 3 {
				return true
			}
			out = append(out, Statement{Pos: fset.Position(lit.Pos()).String(), Text: text})
			return true
		})
		return nil
	})
	return out, err
}

func uncovered(stmts []Statement, ran []string) []Statement {
	var missing []Statement
	for _, s := range stmts {
		covered := false
		for _, r := range ran {
			if strings.Contains(r, s.Text) {
				covered = true
				break
			}
		}
		if !covered {
			missing = append(missing, s)
		}
	}
	sort.Slice(missing, func(i, j int) bool { return missing[i].Pos < missing[j].Pos })
	return missing
}
