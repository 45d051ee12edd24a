package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindsLiteralsAndJudgesCoverage(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nconst a = `SELECT id FROM products WHERE id = :1`\n" +
		"const b = \"UPDATE carts SET updated_at = SYSTIMESTAMP WHERE id = :1\"\n" +
		"const fragment = `SELECT ` // too short to be a statement\n" +
		"var msg = \"select a product first\" // prose, not SQL\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("package x\nconst c = `DELETE FROM carts WHERE 1 = 1`\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stmts, err := findStatements(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 {
		t.Fatalf("found %d statements, want the 2 SQL literals outside tests: %+v", len(stmts), stmts)
	}
	ran := []string{"SELECT id FROM products WHERE id = :1 FETCH FIRST 1 ROWS ONLY"}
	missing := uncovered(stmts, ran)
	if len(missing) != 1 || missing[0].Text != "UPDATE carts SET updated_at = SYSTIMESTAMP WHERE id = :1" {
		t.Fatalf("missing = %+v, want only the UPDATE", missing)
	}
}

func TestReadTraceDeduplicates(t *testing.T) {
	p := filepath.Join(t.TempDir(), "trace.jsonl")
	if err := os.WriteFile(p, []byte("\"SELECT 1 FROM dual\"\n\"SELECT 1 FROM dual\"\n\"SELECT 2 FROM dual\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readTrace(p)
	if err != nil || len(got) != 2 {
		t.Fatalf("readTrace = %v, %v", got, err)
	}
}
