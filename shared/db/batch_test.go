package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
)

func TestExecBatchInsertsAllRowsInOneStatement(t *testing.T) {
	f := newFixture(t)
	ctx, parent := f.operation("seed")
	rows := make([][]any, 50)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("B-%02d", i), "Battery", 10 + i, i}
	}
	n, err := ExecBatch(ctx, f.db, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", rows)
	parent.End()
	if err != nil {
		t.Fatal(err)
	}
	if n != 50 || countProducts(t, f) != 50 {
		t.Errorf("ExecBatch affected %d, table has %d; want 50, 50", n, countProducts(t, f))
	}
	var stock int
	if err := f.db.QueryRowContext(context.Background(), "SELECT stock FROM products WHERE sku = :1", "B-37").Scan(&stock); err != nil || stock != 37 {
		t.Errorf("B-37 stock = %d (%v), want 37: binds landed in the wrong row", stock, err)
	}
	spans := f.dbSpans()
	if len(spans) < 1 || spans[0].Name() != "INSERT products" {
		t.Fatalf("first db span = %v, want one INSERT products span", spans)
	}
	if v, _ := attr(spans[0], "db.operation.batch.size"); v != "50" {
		t.Errorf("db.operation.batch.size = %q, want 50", v)
	}
	if v, _ := attr(spans[0], "db.response.affected_rows"); v != "50" {
		t.Errorf("db.response.affected_rows = %q, want 50", v)
	}
}

func TestExecBatchSplitsPastTheBindLimit(t *testing.T) {
	f := newFixture(t)
	rows := make([][]any, 9000) // 4 binds per row: 36000 binds, more than SQLite's 32766
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("S-%05d", i), "Spare", 1, 1}
	}
	n, err := ExecBatch(context.Background(), f.db, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", rows)
	if err != nil {
		t.Fatal(err)
	}
	if n != 9000 || countProducts(t, f) != 9000 {
		t.Errorf("affected %d, table has %d; want 9000", n, countProducts(t, f))
	}
}

func TestExecBatchUpdatesPerRow(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", fmt.Sprintf("U-%d", i), "U", 1, 5)
	}
	n, err := ExecBatch(context.Background(), f.db, "UPDATE products SET stock = stock - :1 WHERE sku = :2",
		[][]any{{1, "U-0"}, {2, "U-1"}, {3, "U-2"}, {1, "absent"}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("affected %d, want 3 (the absent sku matches nothing)", n)
	}
	var total int
	if err := f.db.QueryRowContext(context.Background(), "SELECT SUM(stock) FROM products").Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total != 15-6 {
		t.Errorf("stock sum %d, want 9", total)
	}
}

func TestExecBatchAppliesAllOrNothing(t *testing.T) {
	f := newFixture(t)
	for i := range 2 {
		f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", fmt.Sprintf("A-%d", i), "A", 1, 1)
	}
	_, err := ExecBatch(context.Background(), f.db, "UPDATE products SET stock = stock - :1 WHERE sku = :2",
		[][]any{{1, "A-0"}, {5, "A-1"}}) // the second row breaks CHECK (stock >= 0)
	if !errors.Is(err, ErrCheckViolation) {
		t.Fatalf("err = %v, want ErrCheckViolation", err)
	}
	var stock int
	if err := f.db.QueryRowContext(context.Background(), "SELECT stock FROM products WHERE sku = :1", "A-0").Scan(&stock); err != nil {
		t.Fatal(err)
	}
	if stock != 1 {
		t.Errorf("A-0 stock = %d after the failed batch, want 1 (first row rolled back)", stock)
	}
}

func TestExecBatchInTxUsesTheTransaction(t *testing.T) {
	f := newFixture(t)
	err := InTx(context.Background(), f.db, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := ExecBatch(ctx, tx, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", [][]any{{"T-1", "T", 1}, {"T-2", "T", 1}}); err != nil {
			return err
		}
		return errors.New("abandon")
	})
	if err == nil {
		t.Fatal("InTx succeeded")
	}
	if n := countProducts(t, f); n != 0 {
		t.Errorf("%d products after rollback, want 0", n)
	}
}

func TestExecBatchRejectsRaggedRows(t *testing.T) {
	f := newFixture(t)
	if _, err := ExecBatch(context.Background(), f.db, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", [][]any{{"R-1", "R", 1}, {"R-2", "R"}}); err == nil {
		t.Error("ragged rows accepted")
	}
}
