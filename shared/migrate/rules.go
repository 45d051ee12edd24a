package migrate

import (
	"context"
	"database/sql"

	"github.com/octo-drone-shop/serverless/schema"
)

// rules is what the migrator does differently on each database: one value per dialect (oracleRules
// in oracle.go, sqliteRules in sqlite.go), chosen by name once, so no other code compares dialect
// names. The migrator is the one place that runs DDL, which package db's dialects do not cover.
type rules struct {
	// historyInsertSQL records one version in schema_migrations.
	historyInsertSQL string
	// ensureHistory creates schema_migrations when missing (and, on Oracle, checks an existing one).
	ensureHistory func(ctx context.Context, db *sql.DB) error
	// lock takes the migrator's lock for the whole run and returns its release; nil when each
	// version's own transaction locks (SQLite's BEGIN IMMEDIATE).
	lock func(ctx context.Context, db *sql.DB) (func(), error)
	// apply plans and runs the pending versions.
	apply func(ctx context.Context, h history, pending []schema.Migration, rep *Report) error
	// constantDefaultsOnly: ALTER TABLE ... ADD cannot add a column whose default is an expression.
	constantDefaultsOnly bool
	// modifiesColumns: a VARCHAR2 column can be widened in place (ALTER TABLE ... MODIFY).
	modifiesColumns bool
	// addColumnSQL renders ALTER TABLE ... ADD of a column definition.
	addColumnSQL func(table, definition string) string
	// exactTypes: an existing column's declared type must be the wanted one; otherwise a wider
	// type is accepted.
	exactTypes bool
	// rebuildsChecks: a CHECK constraint is replaced by rebuilding its table (ReplaceCheck with
	// Table set) rather than by ADD and DROP CONSTRAINT.
	rebuildsChecks bool
}

// rulesOf returns the rules of a dialect Run accepted (schema.Oracle or schema.SQLite).
func rulesOf(name string) *rules {
	return byDialect[name]
}

// byDialect is filled by init: the rules refer to functions that look the rules up again, which a
// package-level initializer cannot.
var byDialect map[string]*rules

func init() {
	byDialect = map[string]*rules{schema.Oracle: &oracleRules, schema.SQLite: &sqliteRules}
}
