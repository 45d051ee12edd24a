package db

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestStatementLogRecordsEachDistinctStatementOnce(t *testing.T) {
	_, path := rawSchema(t)
	dir := filepath.Dir(path)
	log := filepath.Join(dir, "sql.jsonl")
	d, err := Open(context.Background(), Options{Driver: "sqlite", DSN: path, StatementLog: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	for range 3 {
		if _, err := d.ExecContext(ctx, "UPDATE products SET stock = stock WHERE id = :1", 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE stock >= :1", 0).Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	want := "\"UPDATE products SET stock = stock WHERE id = :1\"\n\"SELECT COUNT(*) FROM products WHERE stock \\u003e= :1\"\n"
	if string(data) != want {
		t.Fatalf("statement log =\n%s\nwant\n%s", data, want)
	}
}
