package dbtest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// TestTwinCountsBytesAsOracleDoes: the migrated embedded database refuses what ATP refuses with
// ORA-12899, a value over its VARCHAR2's bytes, as ErrValueTooLarge (400); users.username holds a
// 254-byte email (0008 widens it from 0001's 64).
func TestTwinCountsBytesAsOracleDoes(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{})
	ctx := context.Background()
	const insertUser = `INSERT INTO users (username, email, password_hash) VALUES (:1, :2, 'x')`
	email := strings.Repeat("a", 242) + "@example.com" // 254 bytes
	if _, err := d.ExecContext(ctx, insertUser, email, email); err != nil {
		t.Fatalf("a 254-byte username: %v", err)
	}
	for _, tc := range []struct{ name, query, value string }{
		{"username_255_bytes", insertUser, "b" + email},
		{"name_within_200_characters_over_200_bytes", `INSERT INTO customers (name, email) VALUES (:1, 'n@example.com')`, strings.Repeat("ü", 101)},
		{"http_method_11_bytes", `INSERT INTO security_events (attack_type, source_ip, http_method, window_start) VALUES ('scanner', '192.0.2.1', :1, SYSTIMESTAMP)`, "PROPFINDXXX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []any{tc.value}
			if tc.query == insertUser {
				args = append(args, tc.value)
			}
			_, err := d.ExecContext(ctx, tc.query, args...)
			if !errors.Is(err, db.ErrValueTooLarge) || apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("err = %v, want ErrValueTooLarge (invalid, 400) as ORA-12899", err)
			}
		})
	}
}
