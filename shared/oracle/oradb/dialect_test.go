package oradb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/godror/godror"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// bindAll converts args as package db does on Oracle.
func bindAll(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if v, ok := Dialect.Bind(a); ok {
			a = v
		}
		out[i] = a
	}
	return out
}

// sqliteFixture is the embedded database with the tables the failure pairs need.
func sqliteFixture(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	raw, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	if _, err := raw.Exec(`
CREATE TABLE products (id INTEGER PRIMARY KEY AUTOINCREMENT, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  price NUMERIC NOT NULL CHECK (price >= 0), stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0));
CREATE TABLE order_items (id INTEGER PRIMARY KEY AUTOINCREMENT, product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL CHECK (quantity > 0));
CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL,
  name TEXT CONSTRAINT ck_customers_name_bytes CHECK (length(CAST(name AS BLOB)) <= 8));`); err != nil {
		t.Fatal(err)
	}
	c, err := sqlite.Connector(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(context.Background(), db.Options{Driver: "sqlite", Connector: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// TestTimesAreBoundAtMillisecondsOnBothDialects: ATP's TIMESTAMP(6) would keep microseconds of a
// nanosecond time and SQLite's text milliseconds; the data layer cuts both to the millisecond so an
// answer read back from either database is the same.
func TestTimesAreBoundAtMillisecondsOnBothDialects(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 11, 12, 123456789, time.UTC)
	want := time.Date(2026, 12, 4, 10, 11, 12, 123000000, time.UTC)
	got := bindAll([]any{at, &at, sql.NullTime{Time: at, Valid: true}, "x"})
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
}

type cents int64

func (c cents) NumericText() string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// TestNumbersAreBoundAsNumbersOnOracle: money and weights are decimal text in Go; bound as text into
// a NUMBER, ATP converts them with the session's NLS_NUMERIC_CHARACTERS (ORA-01722 where ',' is the
// decimal separator). On Oracle they go as godror.Number, which the client converts itself.
func TestNumbersAreBoundAsNumbersOnOracle(t *testing.T) {
	got := bindAll([]any{cents(1250), db.Decimal("1.400"), "12.50"})
	if got[0] != godror.Number("12.50") || got[1] != godror.Number("1.400") || got[2] != "12.50" {
		t.Errorf("oracle binds %#v, want two godror.Number and the plain string untouched", got)
	}
	cols, err := arrayBinds([][]any{{cents(1250), db.Decimal("7.000")}, {cents(5), db.Decimal("1.400")}})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := cols[0].([]godror.Number); !ok || a[0] != "12.50" || a[1] != "0.05" {
		t.Errorf("array bind of money = %#v, want []godror.Number", cols[0])
	}
	if a, ok := cols[1].([]godror.Number); !ok || a[1] != "1.400" {
		t.Errorf("array bind of weights = %#v, want []godror.Number", cols[1])
	}
	if got, _ := sqlite.Dialect.Bind(db.Decimal("1.400")); got != "1.400" {
		t.Errorf("sqlite binds %#v, want the text", got)
	}
}

func TestOracleStatementsRunAsWritten(t *testing.T) {
	q := "INSERT INTO orders (customer_id, total) VALUES (:1, :2) RETURNING id INTO :3"
	p, err := Dialect.Prepare(q)
	if p.Text != q || err != nil || p.Data != nil {
		t.Errorf("Oracle text = %q (err %v, data %v), want the statement unchanged", p.Text, err, p.Data)
	}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := bindAll([]any{at}); got[0] != at {
		t.Errorf("Oracle bind converted %v to %v, want time.Time passed to godror", at, got[0])
	}
	if got, _ := sqlite.Dialect.Bind(at); got != "2025-01-01T00:00:00.000Z" {
		t.Errorf("SQLite binds %v, want the time as canonical text", got)
	}
}

func TestOracleCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		code     int
		sentinel error
	}{
		{1, db.ErrUniqueViolation},
		{2291, db.ErrForeignKeyViolation},
		{2292, db.ErrForeignKeyViolation},
		{2290, db.ErrCheckViolation},
		{1400, db.ErrNotNullViolation},
		{12899, db.ErrValueTooLarge},
		{1438, db.ErrValueTooLarge},
		{60, db.ErrDeadlock},
		{54, db.ErrBusy},
		{1017, db.ErrUnavailable},
		{12154, db.ErrUnavailable},
		{12541, db.ErrUnavailable},
		{12514, db.ErrUnavailable},
		{3113, db.ErrUnavailable},
		{28000, db.ErrUnavailable},
		{942, nil},  // table or view does not exist: a defect, not the caller's fault
		{1722, nil}, // invalid number
	}
	for _, tc := range tests {
		t.Run(OraCode(tc.code), func(t *testing.T) {
			if got := CodeSentinel(tc.code); got != tc.sentinel {
				t.Errorf("CodeSentinel(%d) = %v, want %v", tc.code, got, tc.sentinel)
			}
		})
	}
}

func TestOraCodeFormat(t *testing.T) {
	for n, want := range map[int]string{1: "ORA-00001", 2291: "ORA-02291", 12154: "ORA-12154", 123456: "ORA-123456"} {
		if got := OraCode(n); got != want {
			t.Errorf("OraCode(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestOracleWithoutClientIsUnavailable goes through the real godror driver: without Oracle Instant
// Client it fails with DPI-1047; with a client it cannot reach the closed local port (ORA-12541).
// Either way the function reports the database unavailable, not an internal error.
func TestOracleWithoutClientIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := db.Open(ctx, db.Options{Driver: "oracle", DSN: `user="octo" password="x" connectString="127.0.0.1:1/octo"`})
	if err != nil {
		t.Fatalf("Open connects nothing, so it cannot fail here: %v", err)
	}
	defer d.Close()
	err = d.PingContext(ctx)
	if err == nil {
		t.Fatal("Ping succeeded without a database")
	}
	if got := apperr.KindOf(err); got != apperr.Unavailable {
		t.Errorf("KindOf = %v, want unavailable (err %v)", got, err)
	}
	if !errors.Is(err, db.ErrUnavailable) {
		t.Errorf("errors.Is(err, db.ErrUnavailable) = false (err %v)", err)
	}
	if code := Dialect.StatusCode(err); !strings.HasPrefix(code, "DPI-") && !strings.HasPrefix(code, "ORA-") {
		t.Errorf("statusCode = %q, want DPI-nnnn or ORA-nnnnn", code)
	}
}

// TestOracleAndSQLiteFailuresMapToTheSameKinds pairs each failure a request can cause with the ORA
// code ATP answers and the statement that causes it on the embedded database: both must reach the
// same sentinel and apperr kind, so what a test sees on SQLite is what a client sees on ATP.
func TestOracleAndSQLiteFailuresMapToTheSameKinds(t *testing.T) {
	f := sqliteFixture(t)
	ctx := context.Background()
	if _, err := f.ExecContext(ctx, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", "DR-1", "Drone", 9, 3); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		ora      int
		query    string
		args     []any
		sentinel error
		kind     apperr.Kind
	}{
		{"unique", 1, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-1", "Again", 1}, db.ErrUniqueViolation, apperr.Conflict},
		{"foreign_key", 2291, "INSERT INTO order_items (product_id, quantity) VALUES (:1, :2)", []any{999, 1}, db.ErrForeignKeyViolation, apperr.Invalid},
		{"check", 2290, "UPDATE products SET stock = :1 WHERE sku = :2", []any{-1, "DR-1"}, db.ErrCheckViolation, apperr.Invalid},
		{"not_null", 1400, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-2", nil, 1}, db.ErrNotNullViolation, apperr.Invalid},
		// "Jürgenöä" is 8 characters, within an 8-byte limit counted in runes, but 11 bytes:
		// ORA-12899 on ATP, the twin's byte check here.
		{"varchar2_bytes", 12899, "INSERT INTO customers (email, name) VALUES (:1, :2)", []any{"m@example.com", "Jürgenöä"}, db.ErrValueTooLarge, apperr.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CodeSentinel(tc.ora); got != tc.sentinel {
				t.Errorf("%s -> %v, want %v", OraCode(tc.ora), got, tc.sentinel)
			}
			// The kind follows the sentinel (package db maps both dialects' errors through one
			// table), so the same sentinel on both sides is the same answer to the client.
			_, err := f.ExecContext(ctx, tc.query, tc.args...)
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("sqlite: err = %v, want %v", err, tc.sentinel)
			}
			if got := apperr.KindOf(err); got != tc.kind {
				t.Errorf("sqlite: kind %v, want %v", got, tc.kind)
			}
		})
	}
	if got := apperr.Invalid.Status(); got != 400 {
		t.Errorf("invalid answers %d, want 400", got)
	}
}

func TestArrayBindsBuildOneTypedSlicePerColumn(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		rows [][]any
		want []any
	}{
		{
			name: "plain values",
			rows: [][]any{{1, 1.5, "a", true, at, []byte{1}}, {2, 2.5, "b", false, at, []byte{2}}},
			want: []any{[]int64{1, 2}, []float64{1.5, 2.5}, []string{"a", "b"}, []int64{1, 0}, []time.Time{at, at}, [][]byte{{1}, {2}}},
		},
		{
			name: "nulls use sql null types and empty strings",
			rows: [][]any{{nil, nil, nil, nil}, {int64(3), 4.5, "c", at}},
			want: []any{
				[]sql.NullInt64{{}, {Int64: 3, Valid: true}},
				[]sql.NullFloat64{{}, {Float64: 4.5, Valid: true}},
				[]string{"", "c"},
				[]sql.NullTime{{}, {Time: at, Valid: true}},
			},
		},
		{
			name: "valuers are converted",
			rows: [][]any{{sql.NullString{String: "x", Valid: true}}, {sql.NullString{}}},
			want: []any{[]string{"x", ""}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := arrayBinds(tc.rows)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("arrayBinds = %#v\nwant %#v", got, tc.want)
			}
		})
	}
	if _, err := arrayBinds([][]any{{1}, {"one"}}); err == nil {
		t.Error("a column mixing int and string was accepted")
	}
}
