package db

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/sqlite"
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
	// A **string (or *string pointer) destination is never nil for a NULL text column, as on godror.
	var ptr *string
	if err := f.db.QueryRowContext(ctx, "SELECT name FROM customers").Scan(&ptr); err != nil {
		t.Fatal(err)
	}
	if ptr == nil || *ptr != "" {
		t.Errorf("NULL scanned into **string = %v, want a pointer to \"\" as godror gives", ptr)
	}
	// Only columns declared as text: a NULL number stays NULL (a nil pointer, an error for *int).
	var num *int64
	if err := f.db.QueryRowContext(ctx, "SELECT NULL + id FROM customers").Scan(&num); err != nil || num != nil {
		t.Errorf("NULL number scanned into **int64 = %v (%v), want nil", num, err)
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

// TestTimesAreReadBackAtMilliseconds: the data layer cuts a bound time to the millisecond on both
// dialects (the Oracle half is oradb's TestTimesAreBoundAtMillisecondsOnBothDialects).
func TestTimesAreReadBackAtMilliseconds(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 11, 12, 123456789, time.UTC)
	want := time.Date(2026, 12, 4, 10, 11, 12, 123000000, time.UTC)
	f := newFixture(t)
	f.mustExec(t, "INSERT INTO products (sku, name, price, created_at) VALUES (:1, :2, :3, :4)", "DR-T", "T", 1, at)
	var back time.Time
	if err := f.db.QueryRowContext(context.Background(), "SELECT created_at FROM products").Scan(&back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(want) {
		t.Errorf("sqlite reads back %v, want %v", back, want)
	}
	if got, _ := sqlite.Dialect.Bind(Decimal("1.400")); got != "1.400" {
		t.Errorf("sqlite binds %#v, want the text", got)
	}
}
