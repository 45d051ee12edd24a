package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/godror/godror"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/migrate"
)

// OracleDSNVar names the variable that makes Open use an Oracle database: a godror connect string
// ("user/password@host:port/service") of an account that may create and drop users (SYSTEM on Oracle
// Database Free, ADMIN on ATP). Unset, Open uses the embedded database.
const OracleDSNVar = "OCTO_TEST_ORACLE_DSN"

// Dialect is the database Open gives tests under the environment getenv reads: schema.Oracle when
// OCTO_TEST_ORACLE_DSN is set, else schema.SQLite (the embedded database).
func Dialect(getenv func(string) string) string {
	if strings.TrimSpace(getenv(OracleDSNVar)) != "" {
		return schema.Oracle
	}
	return schema.SQLite
}

// connectTimeout bounds reaching the Oracle database named by the DSN.
const connectTimeout = 20 * time.Second

// connectOracle opens and pings the account dsn names. Its error names the DSN (without the
// password), so a test run pointed at an unreachable database fails saying which one.
func connectOracle(ctx context.Context, dsn string) (*sql.DB, godror.ConnectionParams, error) {
	p, err := godror.ParseDSN(dsn)
	if err != nil {
		return nil, p, fmt.Errorf("dbtest: %s is not a godror connect string: %w", OracleDSNVar, err)
	}
	named := p.Username + "@" + p.ConnectString
	pool := sql.OpenDB(godror.NewConnector(p))
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, p, fmt.Errorf("dbtest: %s=%s: cannot connect: %w", OracleDSNVar, named, err)
	}
	return pool, p, nil
}

// openOracle gives the test a schema of its own on the Oracle database: a new user OCTO_T_<random>
// created through the DSN's account, migrated and optionally seeded as that user, and dropped with
// everything in it when the test ends. Tests so never see each other's rows, as on SQLite.
func openOracle(t testing.TB, dsn string, opts Options) *DB {
	t.Helper()
	ctx := context.Background()
	admin, p, err := connectOracle(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	user, password := "OCTO_T_"+strings.ToUpper(randomHex(6)), "Pw_"+randomHex(12)
	for _, stmt := range []string{
		// The account's default tablespace (USERS on Database Free, DATA on ATP): no tablespace named.
		fmt.Sprintf(`CREATE USER %s IDENTIFIED BY "%s"`, user, password),
		fmt.Sprintf(`GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE SEQUENCE, UNLIMITED TABLESPACE TO %s`, user),
	} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("dbtest: %s: creating the test's schema %s: %v", OracleDSNVar, user, err)
		}
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP USER `+user+` CASCADE`); err != nil {
			t.Errorf("dbtest: dropping the test's schema %s: %v", user, err)
		}
	})
	p.Username, p.Password = user, godror.NewPassword(password)
	// Standalone sessions end when the pool closes, so DROP USER finds none connected (ORA-01940).
	p.StandaloneConnection = sql.NullBool{Bool: true, Valid: true}
	pool := sql.OpenDB(godror.NewConnector(p))
	t.Cleanup(func() { _ = pool.Close() }) // runs before the DROP USER: cleanups run last first
	if _, err := migrate.Run(ctx, pool, schema.Oracle, migrate.Options{}); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", user, err)
	}
	return finish(t, godror.NewConnector(p), schema.Oracle, "", opts)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
