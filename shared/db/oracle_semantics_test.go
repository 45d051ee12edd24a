package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/godror/godror"
)

// TestEmptyStringIsNullAsOnOracle: Oracle stores the empty string as NULL, so the twin binds "" as NULL: a NOT NULL
// column refuses it and IS NULL finds it.
func TestEmptyStringIsNullAsOnOracle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.ExecContext(ctx, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", "DR-E", "", 1)
	if !errors.Is(err, ErrNotNullViolation) {
		t.Errorf(`"" into NOT NULL name: err = %v, want ErrNotNullViolation as ORA-01400`, err)
	}
	f.mustExec(t, "INSERT INTO customers (email, name) VALUES (:1, :2)", "e@example.com", "")
	var n int
	if err := f.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM customers WHERE name IS NULL").Scan(&n); err != nil || n != 1 {
		t.Errorf(`rows whose name is NULL after binding "" = %d (%v), want 1`, n, err)
	}
}

// TestNullStringsScanAsGodrorReturnsThem: godror hands a NULL VARCHAR2 back as "" and does not
// support sql.NullString (it would be Valid with ""); the twin does the same, so code relying on
// NULL-ness of strings fails here as it would on ATP.
func TestNullStringsScanAsGodrorReturnsThem(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.mustExec(t, "INSERT INTO customers (email, name) VALUES (:1, :2)", "n@example.com", nil)
	name := "stale"
	if err := f.db.QueryRowContext(ctx, "SELECT name FROM customers").Scan(&name); err != nil {
		t.Fatalf("scanning NULL into *string: %v (godror gives \"\")", err)
	}
	if name != "" {
		t.Errorf("NULL scanned into *string = %q, want \"\"", name)
	}
	var ns sql.NullString
	if err := f.db.QueryRowContext(ctx, "SELECT name FROM customers").Scan(&ns); err != nil {
		t.Fatal(err)
	}
	if !ns.Valid || ns.String != "" {
		t.Errorf("NULL scanned into sql.NullString = %+v, want Valid \"\" as godror returns it", ns)
	}
	rows, err := f.db.QueryContext(ctx, "SELECT email, name FROM customers")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var email, name string
		if err := rows.Scan(&email, &name); err != nil || email != "n@example.com" || name != "" {
			t.Errorf("Rows.Scan = %q, %q, %v; want the email and \"\"", email, name, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// TestTimesAreBoundAtMillisecondsOnBothDialects: ATP's TIMESTAMP(6) would keep microseconds of a
// nanosecond time and SQLite's text milliseconds; the data layer cuts both to the millisecond so an
// answer read back from either database is the same.
func TestTimesAreBoundAtMillisecondsOnBothDialects(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 11, 12, 123456789, time.UTC)
	want := time.Date(2026, 12, 4, 10, 11, 12, 123000000, time.UTC)
	oracle := &DB{dialect: Oracle}
	got := oracle.bind([]any{at, &at, sql.NullTime{Time: at, Valid: true}, "x"})
	if got[0] != want || got[1] != want || got[2] != (sql.NullTime{Time: want, Valid: true}) || got[3] != "x" {
		t.Errorf("oracle binds %v, want %v each", got, want)
	}
	cols, err := arrayBinds([][]any{{at}, {at}})
	if err != nil {
		t.Fatal(err)
	}
	if ts := cols[0].([]time.Time); ts[0] != want {
		t.Errorf("array bind %v, want %v", ts[0], want)
	}
	f := newFixture(t)
	f.mustExec(t, "INSERT INTO products (sku, name, price, created_at) VALUES (:1, :2, :3, :4)", "DR-T", "T", 1, at)
	var back time.Time
	if err := f.db.QueryRowContext(context.Background(), "SELECT created_at FROM products").Scan(&back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(want) {
		t.Errorf("sqlite reads back %v, want %v", back, want)
	}
}

type cents int64

func (c cents) NumericText() string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// TestNumbersAreBoundAsNumbersOnOracle: money and weights are decimal text in Go; bound as text into
// a NUMBER, ATP converts them with the session's NLS_NUMERIC_CHARACTERS (ORA-01722 where ',' is the
// decimal separator). On Oracle they go as godror.Number, which the client converts itself.
func TestNumbersAreBoundAsNumbersOnOracle(t *testing.T) {
	oracle := &DB{dialect: Oracle}
	got := oracle.bind([]any{cents(1250), Decimal("1.400"), "12.50"})
	if got[0] != godror.Number("12.50") || got[1] != godror.Number("1.400") || got[2] != "12.50" {
		t.Errorf("oracle binds %#v, want two godror.Number and the plain string untouched", got)
	}
	cols, err := arrayBinds([][]any{{cents(1250), Decimal("7.000")}, {cents(5), Decimal("1.400")}})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := cols[0].([]godror.Number); !ok || a[0] != "12.50" || a[1] != "0.05" {
		t.Errorf("array bind of money = %#v, want []godror.Number", cols[0])
	}
	if a, ok := cols[1].([]godror.Number); !ok || a[1] != "1.400" {
		t.Errorf("array bind of weights = %#v, want []godror.Number", cols[1])
	}
	sqlite := &DB{dialect: SQLite}
	if got := sqlite.bind([]any{Decimal("1.400")}); got[0] != "1.400" {
		t.Errorf("sqlite binds %#v, want the text", got)
	}
}

// TestReturningInsertBindsLikeOtherStatements: InsertReturningID builds its own bind list on Oracle
// (the values, then the out bind); money in an INSERT ... RETURNING (the checkout's order) must go as
// a number and times at milliseconds there too.
func TestReturningInsertBindsLikeOtherStatements(t *testing.T) {
	oracle := &DB{dialect: Oracle}
	at := time.Date(2026, 12, 4, 10, 11, 12, 123456789, time.UTC)
	var id int64
	got := oracle.returningArgs([]any{cents(74120), at}, &id)
	if len(got) != 3 || got[0] != godror.Number("741.20") || got[1] != at.Truncate(time.Millisecond) {
		t.Fatalf("binds %#v, want the number, the cut time and the out bind", got)
	}
	if out, ok := got[2].(sql.Out); !ok || out.Dest != &id {
		t.Errorf("last bind %#v, want sql.Out into the id", got[2])
	}
}
