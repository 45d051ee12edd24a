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

// TestExecBatchPastTheBindLimitIsAllOrNothing: a batch split into several multi-row INSERTs outside a
// transaction runs in one of its own, so a row failing in the last chunk leaves none of the earlier
// chunks' rows.
func TestExecBatchPastTheBindLimitIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	rows := make([][]any, 9000)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("S-%05d", i), "Spare", 1, 1}
	}
	rows[8999][0] = "S-00000" // a duplicate sku in the third chunk
	_, err := ExecBatch(context.Background(), f.db, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", rows)
	if !errors.Is(err, ErrUniqueViolation) {
		t.Fatalf("err = %v, want ErrUniqueViolation", err)
	}
	if n := countProducts(t, f); n != 0 {
		t.Errorf("%d products after the failed batch, want 0 (earlier chunks rolled back)", n)
	}
}

// TestExecBatchFailingInTxLeavesNothingAfterRollback: inside a transaction the batch makes no
// transaction of its own (SQLite would refuse a nested BEGIN) and a failing row fails the
// transaction, whose rollback undoes the rows before it and the transaction's other statements.
func TestExecBatchFailingInTxLeavesNothingAfterRollback(t *testing.T) {
	f := newFixture(t)
	for i := range 2 {
		f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", fmt.Sprintf("A-%d", i), "A", 1, 1)
	}
	ctx := context.Background()
	err := InTx(ctx, f.db, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", "T-1", "T", 1); err != nil {
			return err
		}
		n, err := ExecBatch(ctx, tx, "UPDATE products SET stock = stock - :1 WHERE sku = :2", [][]any{{1, "A-0"}, {1, "A-1"}})
		if err != nil || n != 2 {
			return fmt.Errorf("first batch in the transaction: %d, %w", n, err)
		}
		_, err = ExecBatch(ctx, tx, "UPDATE products SET stock = stock + :1 WHERE sku = :2", [][]any{{1, "A-0"}, {-5, "A-1"}})
		return err
	})
	if !errors.Is(err, ErrCheckViolation) {
		t.Fatalf("InTx err = %v, want the batch's ErrCheckViolation", err)
	}
	var sum, n int
	if err := f.db.QueryRowContext(ctx, "SELECT SUM(stock), COUNT(*) FROM products").Scan(&sum, &n); err != nil {
		t.Fatal(err)
	}
	if sum != 2 || n != 2 {
		t.Errorf("after rollback: stock sum %d over %d products, want 2 over 2", sum, n)
	}
}
