package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

func TestSQLiteConstraintViolationsMapToKinds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", "DR-1", "Drone", 9, 3)
	tests := []struct {
		name     string
		query    string
		args     []any
		kind     apperr.Kind
		sentinel error
		code     string
	}{
		{"duplicate sku is a conflict", "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-1", "Again", 1}, apperr.Conflict, ErrUniqueViolation, "2067"},
		{"missing product is invalid", "INSERT INTO order_items (product_id, quantity) VALUES (:1, :2)", []any{999, 1}, apperr.Invalid, ErrForeignKeyViolation, "787"},
		{"negative stock is invalid", "UPDATE products SET stock = :1 WHERE sku = :2", []any{-1, "DR-1"}, apperr.Invalid, ErrCheckViolation, "275"},
		{"missing name is invalid", "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-2", nil, 1}, apperr.Invalid, ErrNotNullViolation, "1299"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.db.ExecContext(ctx, tc.query, tc.args...)
			if err == nil {
				t.Fatal("statement succeeded, want a constraint violation")
			}
			if got := apperr.KindOf(err); got != tc.kind {
				t.Errorf("KindOf = %v, want %v (err %v)", got, tc.kind, err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(err, %v) = false (err %v)", tc.sentinel, err)
			}
			if got := statusCode(err); got != tc.code {
				t.Errorf("statusCode = %q, want %q", got, tc.code)
			}
			if p := apperr.PublicOf(err); strings.Contains(p.Message, "constraint") {
				t.Errorf("client message %q leaks database detail", p.Message)
			}
		})
	}
}

func TestUnclassifiedErrorsKeepTheirCause(t *testing.T) {
	f := newFixture(t)
	err := f.db.QueryRowContext(context.Background(), "SELECT id FROM products WHERE sku = :1", "none").Scan(new(int64))
	if !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("no row: err = %v, want sql.ErrNoRows", err)
	}
	_, err = f.db.ExecContext(context.Background(), "SELECT nonsense FROM nowhere")
	var ae *apperr.Error
	if err == nil || errors.As(err, &ae) {
		t.Errorf("syntax error: err = %v, want a plain wrapped error the caller can classify", err)
	}
}

func TestOracleCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		code     int
		sentinel error
	}{
		{1, ErrUniqueViolation},
		{2291, ErrForeignKeyViolation},
		{2292, ErrForeignKeyViolation},
		{2290, ErrCheckViolation},
		{1400, ErrNotNullViolation},
		{12899, ErrValueTooLarge},
		{1438, ErrValueTooLarge},
		{60, ErrDeadlock},
		{54, ErrBusy},
		{1017, ErrUnavailable},
		{12154, ErrUnavailable},
		{12541, ErrUnavailable},
		{12514, ErrUnavailable},
		{3113, ErrUnavailable},
		{28000, ErrUnavailable},
		{942, nil},  // table or view does not exist: a defect, not the caller's fault
		{1722, nil}, // invalid number
	}
	for _, tc := range tests {
		t.Run(oraCode(tc.code), func(t *testing.T) {
			if got := oracleCodeSentinel(tc.code); got != tc.sentinel {
				t.Errorf("oracleCodeSentinel(%d) = %v, want %v", tc.code, got, tc.sentinel)
			}
		})
	}
}

func TestOraCodeFormat(t *testing.T) {
	for n, want := range map[int]string{1: "ORA-00001", 2291: "ORA-02291", 12154: "ORA-12154", 123456: "ORA-123456"} {
		if got := oraCode(n); got != want {
			t.Errorf("oraCode(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestOracleWithoutClientIsUnavailable goes through the real godror driver: without Oracle Instant
// Client it fails with DPI-1047; with a client it cannot reach the closed local port (ORA-12541).
// Either way the function reports the database unavailable, not an internal error.
func TestOracleWithoutClientIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Open(ctx, Options{Driver: "oracle", DSN: `user="octo" password="x" connectString="127.0.0.1:1/octo"`})
	if err == nil {
		t.Fatal("Open succeeded without a database")
	}
	if got := apperr.KindOf(err); got != apperr.Unavailable {
		t.Errorf("KindOf = %v, want unavailable (err %v)", got, err)
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("errors.Is(err, ErrUnavailable) = false (err %v)", err)
	}
	if code := statusCode(err); !strings.HasPrefix(code, "DPI-") && !strings.HasPrefix(code, "ORA-") {
		t.Errorf("statusCode = %q, want DPI-nnnn or ORA-nnnnn", code)
	}
}

// TestOracleAndSQLiteFailuresMapToTheSameKinds pairs each failure a request can cause with the ORA
// code ATP answers and the statement that causes it on the embedded database: both must reach the
// same sentinel and apperr kind, so what a test sees on SQLite is what a client sees on ATP.
func TestOracleAndSQLiteFailuresMapToTheSameKinds(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.mustExec(t, "INSERT INTO products (sku, name, price, stock) VALUES (:1, :2, :3, :4)", "DR-1", "Drone", 9, 3)
	tests := []struct {
		name     string
		ora      int
		query    string
		args     []any
		sentinel error
		kind     apperr.Kind
	}{
		{"unique", 1, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-1", "Again", 1}, ErrUniqueViolation, apperr.Conflict},
		{"foreign_key", 2291, "INSERT INTO order_items (product_id, quantity) VALUES (:1, :2)", []any{999, 1}, ErrForeignKeyViolation, apperr.Invalid},
		{"check", 2290, "UPDATE products SET stock = :1 WHERE sku = :2", []any{-1, "DR-1"}, ErrCheckViolation, apperr.Invalid},
		{"not_null", 1400, "INSERT INTO products (sku, name, price) VALUES (:1, :2, :3)", []any{"DR-2", nil, 1}, ErrNotNullViolation, apperr.Invalid},
		// "Jürgenöä" is 8 characters, within an 8-byte limit counted in runes, but 11 bytes:
		// ORA-12899 on ATP, the twin's byte check here.
		{"varchar2_bytes", 12899, "INSERT INTO customers (email, name) VALUES (:1, :2)", []any{"m@example.com", "Jürgenöä"}, ErrValueTooLarge, apperr.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := oracleCodeSentinel(tc.ora); got != tc.sentinel {
				t.Errorf("%s -> %v, want %v", oraCode(tc.ora), got, tc.sentinel)
			}
			if got := kindOf[oracleCodeSentinel(tc.ora)]; got != tc.kind {
				t.Errorf("%s -> kind %v, want %v", oraCode(tc.ora), got, tc.kind)
			}
			_, err := f.db.ExecContext(ctx, tc.query, tc.args...)
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
