package dbtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/db"
)

func TestDialectSelection(t *testing.T) {
	for _, tc := range []struct{ name, dsn, want string }{
		{"unset_is_sqlite_only", "", schema.SQLite},
		{"blank_is_sqlite_only", "  ", schema.SQLite},
		{"set_is_oracle", "system/pw@localhost:1521/FREEPDB1", schema.Oracle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == OracleDSNVar {
					return tc.dsn
				}
				return ""
			}
			if got := Dialect(getenv); got != tc.want {
				t.Errorf("Dialect with %s=%q is %s, want %s", OracleDSNVar, tc.dsn, got, tc.want)
			}
		})
	}
}

// outcome records how a test ended: failed or skipped, and with what message.
type outcome struct {
	testing.TB
	failed, skipped bool
	msg             string
	cleanups        []func()
}

func (o *outcome) Helper()                      {}
func (o *outcome) Cleanup(f func())             { o.cleanups = append(o.cleanups, f) }
func (o *outcome) TempDir() string              { return o.TB.TempDir() }
func (o *outcome) Fatal(args ...any)            { o.end(&o.failed, fmt.Sprint(args...)) }
func (o *outcome) Fatalf(f string, args ...any) { o.end(&o.failed, fmt.Sprintf(f, args...)) }
func (o *outcome) Skip(args ...any)             { o.end(&o.skipped, fmt.Sprint(args...)) }
func (o *outcome) Skipf(f string, args ...any)  { o.end(&o.skipped, fmt.Sprintf(f, args...)) }
func (o *outcome) SkipNow()                     { o.end(&o.skipped, "") }
func (o *outcome) FailNow()                     { o.end(&o.failed, "") }

func (o *outcome) end(flag *bool, msg string) {
	*flag, o.msg = true, msg
	runtime.Goexit()
}

// TestUnreachableOracleFailsNamingTheDSN: with OCTO_TEST_ORACLE_DSN set to a database that does not
// answer, Open fails the test (never skips it, never falls back to SQLite) with a message naming the
// DSN without its password.
func TestUnreachableOracleFailsNamingTheDSN(t *testing.T) {
	t.Setenv(OracleDSNVar, "octo_ci/s3cret-pass@127.0.0.1:1/FREEPDB1")
	o := &outcome{TB: t}
	done := make(chan *DB)
	go func() {
		defer close(done)
		done <- Open(o, Options{})
	}()
	d := <-done
	for i := len(o.cleanups) - 1; i >= 0; i-- {
		o.cleanups[i]()
	}
	if d != nil || !o.failed || o.skipped {
		t.Fatalf("Open returned %v, failed %t, skipped %t; want a failure", d, o.failed, o.skipped)
	}
	t.Logf("failure: %s", o.msg)
	if !strings.Contains(o.msg, OracleDSNVar+"=octo_ci@127.0.0.1:1/FREEPDB1") || strings.Contains(o.msg, "s3cret-pass") {
		t.Errorf("failure %q: want the DSN named without its password", o.msg)
	}
}

// TestUnsetOpensSQLite: without the variable, Open gives the embedded database.
func TestUnsetOpensSQLite(t *testing.T) {
	t.Setenv(OracleDSNVar, "")
	d := Open(t, Options{})
	if db.DialectOf(d.DB) != schema.SQLite || d.Path == "" {
		t.Errorf("dialect %s, path %q; want the embedded database's file", db.DialectOf(d.DB), d.Path)
	}
}
