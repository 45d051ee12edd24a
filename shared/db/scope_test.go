package db

import (
	"context"
	"errors"
	"testing"
)

// A TEMP table exists only on the SQLite connection that created it, so it shows which connection a
// statement ran on.
func TestScopePinsOneConnectionForARequest(t *testing.T) {
	f := newFixture(t)
	ctx, span := f.operation("GET /api/products")
	defer span.End()
	sctx, release := f.db.Scope(ctx)
	defer release()

	if _, err := f.db.ExecContext(sctx, "CREATE TEMP TABLE scratch (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if _, err := f.db.ExecContext(sctx, "INSERT INTO scratch (x) VALUES (:1)", i); err != nil {
			t.Fatalf("statement %d in the scope: %v", i, err)
		}
	}
	err := f.db.InTx(sctx, func(ctx context.Context, tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM scratch").Scan(&n); err != nil {
			return err
		}
		if n != 10 {
			t.Errorf("transaction in the scope sees %d rows, want 10", n)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("transaction in the scope: %v", err)
	}
	// Outside the scope the pinned connection is busy, so the pool hands out another one.
	if _, err := f.db.ExecContext(ctx, "INSERT INTO scratch (x) VALUES (1)"); err == nil {
		t.Error("a statement outside the scope saw the scope's TEMP table")
	}
}

func TestScopeTakesAConnectionLazilyAndReturnsIt(t *testing.T) {
	f := newFixture(t)
	ctx, release := f.db.Scope(context.Background())
	if n := f.db.SQL().Stats().InUse; n != 0 {
		t.Errorf("%d connections in use before the first statement, want 0", n)
	}
	if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
		t.Fatal(err)
	}
	if n := f.db.SQL().Stats().InUse; n != 1 {
		t.Errorf("%d connections in use inside the scope, want 1", n)
	}
	release()
	if n := f.db.SQL().Stats().InUse; n != 0 {
		t.Errorf("%d connections in use after release, want 0", n)
	}
	if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); !errors.Is(err, errScopeReleased) {
		t.Errorf("statement after release: err = %v, want errScopeReleased", err)
	}
	release() // a second release is harmless
}

func TestScopeOfAnotherDBIsIgnored(t *testing.T) {
	f, g := newFixture(t), newFixture(t)
	ctx, release := g.db.Scope(context.Background())
	defer release()
	if _, err := f.db.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1"); err != nil {
		t.Fatal(err)
	}
	if n := g.db.SQL().Stats().InUse; n != 0 {
		t.Errorf("g holds %d connections for f's statement, want 0", n)
	}
}
