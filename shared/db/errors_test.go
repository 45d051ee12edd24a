package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
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
			if got := sqlite.Dialect.StatusCode(err); got != tc.code {
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
