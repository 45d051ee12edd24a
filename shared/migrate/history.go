package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// The migrations table, created by the migrator before the first version.
const (
	oracleHistoryDDL = `CREATE TABLE schema_migrations (
    version     NUMBER(10) NOT NULL,
    name        VARCHAR2(200) NOT NULL,
    checksum    VARCHAR2(64) NOT NULL,
    applied_at  TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
    CONSTRAINT pk_schema_migrations PRIMARY KEY (version)
)`
	sqliteHistoryDDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER NOT NULL CONSTRAINT pk_schema_migrations PRIMARY KEY,
    name        TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    applied_at  TIMESTAMP DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
)`
	oracleHistoryColumnsSQL = `SELECT LOWER(column_name) FROM user_tab_columns WHERE table_name = 'SCHEMA_MIGRATIONS'`
	historySelectSQL        = `SELECT version, name, checksum FROM schema_migrations ORDER BY version`
)

// history reads and writes schema_migrations.
type history struct {
	db      *sql.DB
	dialect string
}

func (h history) insertSQL() string { return rulesOf(h.dialect).historyInsertSQL }

// ensure creates schema_migrations when missing; on Oracle an existing table of that name must have
// the expected columns (another tool could own a table with the same name).
func (h history) ensure(ctx context.Context) error {
	return rulesOf(h.dialect).ensureHistory(ctx, h.db)
}

// read returns the recorded versions.
func (h history) read(ctx context.Context) (map[int]Version, error) {
	out := map[int]Version{}
	err := eachRow(ctx, h.db, historySelectSQL, func(rows *sql.Rows) error {
		var v Version
		if err := rows.Scan(&v.Version, &v.Name, &v.Checksum); err != nil {
			return err
		}
		out[v.Version] = v
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return out, nil
}

// ensureSQLiteHistory creates schema_migrations if it does not exist.
func ensureSQLiteHistory(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, sqliteHistoryDDL); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

// ensureOracleHistory creates schema_migrations when missing; an existing table of that name must
// have the expected columns (another tool could own a table with the same name).
func ensureOracleHistory(ctx context.Context, db *sql.DB) error {
	var cols []string
	if err := eachRow(ctx, db, oracleHistoryColumnsSQL, func(rows *sql.Rows) error {
		var c string
		if err := rows.Scan(&c); err != nil {
			return err
		}
		cols = append(cols, c)
		return nil
	}); err != nil {
		return fmt.Errorf("read schema_migrations columns: %w", err)
	}
	if len(cols) == 0 {
		if _, err := db.ExecContext(ctx, oracleHistoryDDL); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		return nil
	}
	for _, want := range []string{"version", "name", "checksum", "applied_at"} {
		if !slices.Contains(cols, want) {
			return fmt.Errorf("%w: schema_migrations exists without column %s (columns: %s)", ErrIncompatible, want, strings.Join(cols, ", "))
		}
	}
	return nil
}
