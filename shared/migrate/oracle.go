package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Oracle dictionary queries: the current user's tables, views, columns, indexes and named constraints.
const (
	oracleTablesSQL  = `SELECT table_name FROM user_tables WHERE dropped = 'NO'`
	oracleViewsSQL   = `SELECT view_name FROM user_views`
	oracleColumnsSQL = `SELECT c.table_name, c.column_name, c.data_type, NVL(c.data_precision, -1), NVL(c.data_scale, -1),
       c.char_length, c.nullable, c.identity_column
  FROM user_tab_columns c JOIN user_tables t ON t.table_name = c.table_name`
	// oracleIndexesSQL reads each index key with its expression: a function-based key, and a
	// TIMESTAMP WITH TIME ZONE column (indexed as SYS_EXTRACT_UTC of it), appear in USER_IND_COLUMNS
	// as a hidden SYS_NC...$ column whose expression is in USER_IND_EXPRESSIONS (a LONG, fetched as
	// text).
	oracleIndexesSQL = `SELECT i.index_name, i.table_name, i.uniqueness, c.column_name, e.column_expression
  FROM user_indexes i
  JOIN user_ind_columns c ON c.index_name = i.index_name
  LEFT JOIN user_ind_expressions e ON e.index_name = c.index_name AND e.column_position = c.column_position
 ORDER BY i.index_name, c.column_position`
	oracleConstraintsSQL = `SELECT table_name, constraint_name FROM user_constraints
 WHERE constraint_type IN ('P', 'U', 'R', 'C') AND table_name NOT LIKE 'BIN$%'`
)

// loadOracleCatalog reads the current schema's dictionary.
func loadOracleCatalog(ctx context.Context, db *sql.DB) (*Catalog, error) {
	cat := NewCatalog()
	if err := eachRow(ctx, db, oracleTablesSQL, func(rows *sql.Rows) error {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		n := strings.ToLower(name)
		cat.Tables[n] = &CatalogTable{Name: n, Columns: map[string]CatalogColumn{}, Constraints: map[string]bool{}}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read user_tables: %w", err)
	}
	if err := eachRow(ctx, db, oracleViewsSQL, func(rows *sql.Rows) error {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		cat.Views[strings.ToLower(name)] = true
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read user_views: %w", err)
	}
	if err := eachRow(ctx, db, oracleColumnsSQL, func(rows *sql.Rows) error {
		var table, name, dataType, nullable, identity string
		var precision, scale int
		var charLength sql.NullInt64
		if err := rows.Scan(&table, &name, &dataType, &precision, &scale, &charLength, &nullable, &identity); err != nil {
			return err
		}
		if t := cat.Tables[strings.ToLower(table)]; t != nil {
			n := strings.ToLower(name)
			t.Columns[n] = CatalogColumn{Name: n, DataType: dataType, Precision: precision, Scale: scale,
				CharLength: int(charLength.Int64), Nullable: nullable == "Y", Identity: identity == "YES"}
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read user_tab_columns: %w", err)
	}
	if err := eachRow(ctx, db, oracleIndexesSQL, func(rows *sql.Rows) error {
		var name, table, uniqueness, column, expr string // a NULL expression is "" (godror)
		if err := rows.Scan(&name, &table, &uniqueness, &column, &expr); err != nil {
			return err
		}
		n := strings.ToLower(name)
		ix := cat.Indexes[n]
		ix.Name, ix.Table, ix.Unique = n, strings.ToLower(table), uniqueness == "UNIQUE"
		ix.Columns = append(ix.Columns, strings.ToLower(column))
		key := strings.ToLower(column)
		if expr != "" {
			key = NormalizeOracleKey(expr)
		}
		ix.Keys = append(ix.Keys, key)
		cat.Indexes[n] = ix
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read user_indexes: %w", err)
	}
	if err := eachRow(ctx, db, oracleConstraintsSQL, func(rows *sql.Rows) error {
		var table, name string
		if err := rows.Scan(&table, &name); err != nil {
			return err
		}
		if t := cat.Tables[strings.ToLower(table)]; t != nil {
			t.Constraints[strings.ToLower(name)] = true
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read user_constraints: %w", err)
	}
	return cat, nil
}

// queryer is what reading the dictionary needs: a *sql.DB, or the *sql.Tx of a SQLite version.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// eachRow runs a query and calls fn for every row.
func eachRow(ctx context.Context, db queryer, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// oracleRules: DDL commits on its own, so the run holds a lock row on a connection of its own and
// each statement runs alone (applyOracle); columns widen in place; a wider existing type is accepted.
var oracleRules = rules{
	historyInsertSQL: `INSERT INTO schema_migrations (version, name, checksum) VALUES (:1, :2, :3)`,
	ensureHistory:    ensureOracleHistory,
	lock:             lockOracle,
	apply:            applyAllOracle,
	modifiesColumns:  true,
	addColumnSQL:     func(table, def string) string { return "ALTER TABLE " + table + " ADD (" + def + ")" },
}
