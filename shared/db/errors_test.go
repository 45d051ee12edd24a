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
		{60, ErrBusy},
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
