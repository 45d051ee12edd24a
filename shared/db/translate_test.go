package db

import (
	"context"
	"errors"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

func TestMergeUpsertUpdatesOnSecondRun(t *testing.T) {
	f := newFixture(t)
	const upsert = "MERGE INTO coupons c USING (SELECT :1 AS code, :2 AS percent FROM dual) s ON (c.code = s.code) " +
		"WHEN MATCHED THEN UPDATE SET c.percent = s.percent, c.used_count = c.used_count + 1 " +
		"WHEN NOT MATCHED THEN INSERT (code, percent) VALUES (s.code, s.percent)"
	ctx := context.Background()
	for _, pct := range []int{10, 15} {
		if _, err := f.db.ExecContext(ctx, upsert, "SPRING", pct); err != nil {
			t.Fatal(err)
		}
	}
	var n, pct, used int
	if err := f.db.QueryRowContext(ctx, "SELECT COUNT(*), MAX(percent), MAX(used_count) FROM coupons").Scan(&n, &pct, &used); err != nil {
		t.Fatal(err)
	}
	if n != 1 || pct != 15 || used != 1 {
		t.Errorf("after insert then update: rows=%d percent=%d used_count=%d, want 1 15 1", n, pct, used)
	}
}

func TestUntranslatableStatementFailsEveryExecution(t *testing.T) {
	f := newFixture(t)
	q := "MERGE INTO coupons c USING other s ON (c.code = s.code) WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code)"
	for range 2 {
		if _, err := f.db.ExecContext(context.Background(), q); !errors.Is(err, sqltext.ErrMergeShape) {
			t.Fatalf("ExecContext err = %v, want sqltext.ErrMergeShape", err)
		}
	}
}
