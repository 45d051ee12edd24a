package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

const insertProduct = "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4) RETURNING id INTO :5"

func countProducts(t *testing.T, f *fixture) int {
	t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM products").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInTxCommitsWhenFnSucceeds(t *testing.T) {
	f := newFixture(t)
	err := InTx(context.Background(), f.db, func(ctx context.Context, tx *sql.Tx) error {
		_, err := InsertReturningID(ctx, tx, insertProduct, "DR-1", "Drone", 9, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := countProducts(t, f); n != 1 {
		t.Errorf("%d products after commit, want 1", n)
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	f := newFixture(t)
	errOutOfStock := apperr.E("checkout", apperr.Conflict, "out of stock")
	err := InTx(context.Background(), f.db, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := InsertReturningID(ctx, tx, insertProduct, "DR-1", "Drone", 9, 1); err != nil {
			return err
		}
		return errOutOfStock
	})
	if !errors.Is(err, errOutOfStock) {
		t.Errorf("InTx err = %v, want fn's error unchanged", err)
	}
	if n := countProducts(t, f); n != 0 {
		t.Errorf("%d products after rollback, want 0", n)
	}
}

func TestInTxRollsBackOnPanic(t *testing.T) {
	f := newFixture(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to continue after rollback", r)
			}
		}()
		_ = InTx(context.Background(), f.db, func(ctx context.Context, tx *sql.Tx) error {
			if _, err := InsertReturningID(ctx, tx, insertProduct, "DR-1", "Drone", 9, 1); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	if n := countProducts(t, f); n != 0 {
		t.Errorf("%d products after panic, want 0", n)
	}
	// The connection went back to the pool usable: a new transaction can take the write lock.
	if err := InTx(context.Background(), f.db, func(ctx context.Context, tx *sql.Tx) error {
		_, err := InsertReturningID(ctx, tx, insertProduct, "DR-2", "Drone", 9, 1)
		return err
	}); err != nil {
		t.Errorf("transaction after the panic: %v", err)
	}
}

func TestInsertReturningIDReturnsEachNewID(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var ids []int64
	for i := range 3 {
		id, err := InsertReturningID(ctx, f.db, insertProduct, fmt.Sprintf("DR-%d", i), "Drone", 9, 1)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for i, id := range ids {
		var sku string
		if err := f.db.QueryRowContext(ctx, "SELECT sku FROM products WHERE id = :1", id).Scan(&sku); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("DR-%d", i); sku != want {
			t.Errorf("id %d has sku %q, want %q", id, sku, want)
		}
	}
	if ids[0] == ids[1] || ids[1] == ids[2] {
		t.Errorf("ids %v are not distinct", ids)
	}
}

func TestInsertReturningIDRequiresReturningInto(t *testing.T) {
	f := newFixture(t)
	_, err := InsertReturningID(context.Background(), f.db, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", "DR-1", "D", 1)
	if err == nil {
		t.Fatal("InsertReturningID without RETURNING INTO succeeded")
	}
	if n := countProducts(t, f); n != 0 {
		t.Errorf("%d products inserted, want none", n)
	}
}

func TestTimesAreBoundAndScannedInCanonicalFormat(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	at := time.Date(2025, 6, 1, 12, 30, 15, 123_456_789, time.FixedZone("X", -7*3600))
	id, err := InsertReturningID(ctx, f.db, insertProduct, "DR-1", "Drone", 9, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ExecContext(ctx, "UPDATE products SET updated_at = :1 WHERE id = :2", at, id); err != nil {
		t.Fatal(err)
	}
	// What is stored is the canonical text (read as bytes: the driver would parse it into a time).
	var stored string
	if err := f.raw.QueryRow("SELECT CAST(updated_at AS BLOB) FROM products WHERE id = ?1", id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "2025-06-01T19:30:15.123Z" {
		t.Errorf("stored %q, want 2025-06-01T19:30:15.123Z", stored)
	}
	// A TIMESTAMP column scans into time.Time and *time.Time, and so does an expression without a
	// declared type (MAX(updated_at): the sqlite dialect's Rows reads its canonical text as a time).
	var got, newest time.Time
	var ptr *time.Time
	var created time.Time
	if err := f.db.QueryRowContext(ctx, "SELECT updated_at, updated_at, created_at FROM products WHERE id = :1", id).Scan(&got, &ptr, &created); err != nil {
		t.Fatal(err)
	}
	if want := at.Truncate(time.Millisecond); !got.Equal(want) || ptr == nil || !ptr.Equal(want) {
		t.Errorf("scanned %v and %v, want %v", got, ptr, want)
	}
	if time.Since(created) > time.Minute || created.IsZero() {
		t.Errorf("created_at scanned as %v, want about now", created)
	}
	if err := f.db.QueryRowContext(ctx, "SELECT MAX(updated_at) FROM products").Scan(&newest); err != nil {
		t.Fatalf("typeless MAX(updated_at) into time.Time: %v", err)
	}
	if !newest.Equal(at.Truncate(time.Millisecond)) {
		t.Errorf("MAX(updated_at) = %v, want %v", newest, at.Truncate(time.Millisecond))
	}
	// A typeless expression over text stays text, as a VARCHAR2 expression does on Oracle, even when
	// it reads like a date: only the canonical timestamp form is a time (the driver's _texttotime
	// turned the first two into times, which a *string then read back re-rendered).
	for _, name := range []string{"2026-01-02", "2026-01-02 10:00:00", "2026-01-02T10:00:00Z", "2026-13-45T25:61:61.000Z"} {
		if _, err := f.db.ExecContext(ctx, "UPDATE products SET name = :1 WHERE id = :2", name, id); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := f.db.QueryRowContext(ctx, "SELECT COALESCE(name, 'none') FROM products WHERE id = :1", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != name {
			t.Errorf("COALESCE(name, 'none') = %q, want the name %q as stored", got, name)
		}
	}
	// A NULL timestamp scans into a nil *time.Time.
	id2, err := InsertReturningID(ctx, f.db, insertProduct, "DR-2", "Drone", 9, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.QueryRowContext(ctx, "SELECT updated_at FROM products WHERE id = :1", id2).Scan(&ptr); err != nil || ptr != nil {
		t.Errorf("NULL updated_at scanned as %v (%v), want nil", ptr, err)
	}
	var n int
	if err := f.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM products WHERE updated_at > :1", at.Add(-time.Second)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("comparison with a bound time matched %d rows, want 1", n)
	}
}
