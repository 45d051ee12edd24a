package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// The migrator's lock on Oracle: one row, locked by a transaction on a connection of its own for the
// whole run. DDL commits implicitly, which would release a row lock taken on the connection running
// it, so the DDL runs on other pooled connections (the pool needs two) and the lock's transaction
// never commits: it ends with a rollback, or with the session if the process dies. A second
// migrator waits for the row (up to lockWait) and then reads the history the first one recorded.
// DBMS_LOCK would need EXECUTE ON DBMS_LOCK granted by ADMIN; a row needs nothing beyond the
// migrating user's own schema.
const (
	oracleLockDDL = `CREATE TABLE schema_migrations_lock (
    id  NUMBER(1) NOT NULL,
    CONSTRAINT pk_schema_migrations_lock PRIMARY KEY (id)
)`
	oracleLockTableSQL = `SELECT COUNT(*) FROM user_tables WHERE table_name = 'SCHEMA_MIGRATIONS_LOCK'`
	oracleLockRowSQL   = `INSERT INTO schema_migrations_lock (id) VALUES (1)`
	oracleLockSQL      = `SELECT id FROM schema_migrations_lock WHERE id = 1 FOR UPDATE WAIT 600`
)

// ORA codes the migrator tells apart.
const (
	oraUniqueViolation = 1    // the lock row exists
	oraNameUsed        = 955  // name is already used by an existing object
	oraColumnsIndexed  = 1408 // such column list already indexed
)

// oraCode returns the ORA error number of err, 0 when it is not an Oracle error (or Oracle's dialect
// is not linked: then err cannot be one). The migrator runs on both builds, so it asks the dialect
// rather than importing godror.
func oraCode(err error) int {
	d, lerr := dialect.Lookup(schema.Oracle)
	if lerr != nil {
		return 0
	}
	n, ok := strings.CutPrefix(d.StatusCode(err), "ORA-")
	if !ok {
		return 0
	}
	code, _ := strconv.Atoi(n)
	return code
}

// lockOracle takes the migrator's lock and returns its release.
func lockOracle(ctx context.Context, db *sql.DB) (func(), error) {
	if db.Stats().MaxOpenConnections == 1 {
		return nil, fmt.Errorf("lock: the migrator needs two connections (one holds the lock while the other runs DDL); set OCTO_DB_POOL_MAX to 2 or more")
	}
	var n int
	if err := db.QueryRowContext(ctx, oracleLockTableSQL).Scan(&n); err != nil {
		return nil, fmt.Errorf("lock: read user_tables: %w", err)
	}
	if n == 0 {
		// Two first migrators may both try: the loser's ORA-00955 means the table now exists.
		if _, err := db.ExecContext(ctx, oracleLockDDL); err != nil && oraCode(err) != oraNameUsed {
			return nil, fmt.Errorf("lock: create schema_migrations_lock: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, oracleLockRowSQL); err != nil && oraCode(err) != oraUniqueViolation {
		return nil, fmt.Errorf("lock: insert the lock row: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock: connection: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("lock: begin: %w", err)
	}
	var id int
	if err := tx.QueryRowContext(ctx, oracleLockSQL).Scan(&id); err != nil {
		_ = tx.Rollback()
		_ = conn.Close()
		return nil, fmt.Errorf("lock: another migrator holds schema_migrations_lock (waited 600 s): %w", err)
	}
	return func() {
		_ = tx.Rollback()
		_ = conn.Close()
	}, nil
}

// presentAfter reports whether a CREATE INDEX that failed with ORA code means the index is present
// after all, and the notice to give: ORA-01408 (an index with the same column list exists on the
// table: the dictionary check missed it, e.g. a key form it cannot read) or ORA-00955 when the name
// belongs to an index on the same table (created meanwhile by someone else; tableOfIndex looks the
// name up in USER_INDEXES). Any other failure, or the name held by another object, is an error.
func presentAfter(code int, a Action, tableOfIndex func(string) (string, error)) (string, bool) {
	if a.Kind != CreateIndex {
		return "", false
	}
	switch code {
	case oraColumnsIndexed:
		return fmt.Sprintf("v%d %s: ORA-01408, an index with the same columns exists on %s; taken as present", a.Version, a.Object, a.Table), true
	case oraNameUsed:
		if t, err := tableOfIndex(a.Object); err == nil && t == a.Table {
			return fmt.Sprintf("v%d %s: ORA-00955, an index of that name exists on %s; taken as present", a.Version, a.Object, a.Table), true
		}
	}
	return "", false
}

// oracleIndexTableSQL names the table of an index.
const oracleIndexTableSQL = `SELECT LOWER(table_name) FROM user_indexes WHERE index_name = UPPER(:1)`

// oracleTableOfIndex returns the table an index of the current schema is on.
func oracleTableOfIndex(ctx context.Context, db *sql.DB) func(string) (string, error) {
	return func(name string) (string, error) {
		var t string
		if err := db.QueryRowContext(ctx, oracleIndexTableSQL, name).Scan(&t); err != nil {
			return "", err
		}
		return t, nil
	}
}
