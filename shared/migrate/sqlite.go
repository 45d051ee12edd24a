package migrate

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/octo-drone-shop/serverless/schema/ddl"
)

// sqliteObjectsSQL lists the user's tables, views and explicitly created indexes (automatic indexes
// behind UNIQUE and PRIMARY KEY constraints have no SQL and are covered by the constraints).
const sqliteObjectsSQL = `SELECT type, name, tbl_name, sql FROM sqlite_master
 WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND sql IS NOT NULL`

// loadSQLiteCatalog reads the embedded database's tables, columns and indexes. SQLite keeps no
// constraint names outside the CREATE text, so Constraints stays nil.
func loadSQLiteCatalog(ctx context.Context, db queryer) (*Catalog, error) {
	cat := NewCatalog()
	type object struct{ kind, name, table, sql string }
	var objects []object
	if err := eachRow(ctx, db, sqliteObjectsSQL, func(rows *sql.Rows) error {
		var o object
		if err := rows.Scan(&o.kind, &o.name, &o.table, &o.sql); err != nil {
			return err
		}
		objects = append(objects, o)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read sqlite_master: %w", err)
	}
	for _, o := range objects {
		name := strings.ToLower(o.name)
		switch o.kind {
		case "table":
			t, err := sqliteTable(ctx, db, name)
			if err != nil {
				return nil, err
			}
			cat.Tables[name] = t
		case "view":
			cat.Views[name] = true
		case "index":
			ix := CatalogIndex{Name: name, Table: strings.ToLower(o.table)}
			if err := eachRow(ctx, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, func(rows *sql.Rows) error {
				var col *string // NULL for an expression key
				if err := rows.Scan(&col); err != nil {
					return err
				}
				name := ""
				if col != nil {
					name = *col
				}
				ix.Columns = append(ix.Columns, strings.ToLower(name))
				return nil
			}, o.name); err != nil {
				return nil, fmt.Errorf("read index %s: %w", o.name, err)
			}
			// Keys come from the index's own SQL, parsed as the migrations are, so expression keys
			// compare exactly; an index package ddl cannot read keeps no keys and matches nothing.
			if st, err := ddl.Parse(o.sql); err == nil && st.Kind == ddl.CreateIndex {
				ix.Keys, ix.Unique = st.Index.Keys, st.Index.Unique
			}
			cat.Indexes[name] = ix
		}
	}
	return cat, nil
}

func sqliteTable(ctx context.Context, db queryer, name string) (*CatalogTable, error) {
	t := &CatalogTable{Name: name, Columns: map[string]CatalogColumn{}}
	err := eachRow(ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, func(rows *sql.Rows) error {
		var col, typ string
		var notNull, pk int
		if err := rows.Scan(&col, &typ, &notNull, &pk); err != nil {
			return err
		}
		rowid := pk > 0 && strings.EqualFold(typ, "INTEGER")
		n := strings.ToLower(col)
		t.Columns[n] = CatalogColumn{Name: n, DataType: strings.ToUpper(typ), Precision: -1, Scale: -1,
			Nullable: notNull == 0 && pk == 0, Identity: rowid}
		return nil
	}, name)
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", name, err)
	}
	return t, nil
}

// sqliteRules: each version runs in one transaction (applySQLite); ALTER TABLE cannot modify a
// column or add one with an expression default; the declared type must match; a CHECK is replaced by
// rebuilding its table.
var sqliteRules = rules{
	historyInsertSQL:     `INSERT INTO schema_migrations (version, name, checksum) VALUES (?, ?, ?)`,
	ensureHistory:        ensureSQLiteHistory,
	apply:                applyAllSQLite,
	constantDefaultsOnly: true,
	addColumnSQL:         func(table, def string) string { return "ALTER TABLE " + table + " ADD COLUMN " + def },
	exactTypes:           true,
	rebuildsChecks:       true,
}
