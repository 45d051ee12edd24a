package db

import (
	"context"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/sqlid"
)

func TestStatementsCountExecutionsRowsAndFailures(t *testing.T) {
	_, path := rawSchema(t)
	d, err := Open(context.Background(), Options{Driver: "sqlite", DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	const upd = "UPDATE products SET stock = stock WHERE id = :1"
	for range 3 {
		if _, err := d.ExecContext(ctx, upd, 1); err != nil {
			t.Fatal(err)
		}
	}
	const bad = "SELECT no_such_column FROM products"
	if _, err := d.QueryContext(ctx, bad); err == nil {
		t.Fatal("want an error")
	}
	stats := map[string]StatementStat{}
	for _, s := range Statements(d) {
		stats[s.Text] = s
	}
	u := stats[upd]
	if u.Executions != 3 || u.SQLID != sqlid.Of(upd) || u.Operation != "UPDATE" || u.Failures != 0 || u.Elapsed <= 0 {
		t.Fatalf("update stats = %+v", u)
	}
	if b := stats[bad]; b.Executions != 1 || b.Failures != 1 {
		t.Fatalf("failed select stats = %+v", b)
	}
}
