package sqlite

import (
	"database/sql/driver"
	"reflect"
	"strings"
)

// Rows hands values back as godror does on Oracle: a NULL in a column declared as text is "" (Oracle
// makes no difference between NULL and the empty string, and godror returns "" for a NULL VARCHAR2,
// CHAR or CLOB), so code that scans one into a *string works on both, a sql.NullString comes back
// Valid with "" on both (which is why the codebase never uses it), and a *string pointer destination
// is never nil for such a column on either. Other NULLs (numbers, timestamps, and expressions without
// a declared type, which SQLite cannot type) stay NULL.
//
// Timestamps need nothing here: the driver scans the canonical text (TimeFormat) into time.Time for
// columns declared TIMESTAMP and, with _texttotime, for expressions without a declared type.
func (sqliteDialect) Rows(r driver.Rows) driver.Rows {
	typed, ok := r.(driver.RowsColumnTypeDatabaseTypeName)
	if !ok {
		return r
	}
	var text []int
	for i := range r.Columns() {
		if isText(typed.ColumnTypeDatabaseTypeName(i)) {
			text = append(text, i)
		}
	}
	if len(text) == 0 {
		return r
	}
	return &textRows{Rows: r, typed: typed, text: text}
}

// isText reports whether a declared column type has text affinity in SQLite (it contains CHAR, CLOB
// or TEXT: the twin declares TEXT for Oracle's VARCHAR2 and CLOB).
func isText(decl string) bool {
	decl = strings.ToUpper(decl)
	return strings.Contains(decl, "CHAR") || strings.Contains(decl, "CLOB") || strings.Contains(decl, "TEXT")
}

// textRows turns NULL into "" in the text columns of a result.
type textRows struct {
	driver.Rows
	typed driver.RowsColumnTypeDatabaseTypeName
	text  []int // indexes of the text columns
}

// Next implements driver.Rows.
func (r *textRows) Next(dest []driver.Value) error {
	if err := r.Rows.Next(dest); err != nil {
		return err
	}
	for _, i := range r.text {
		if dest[i] == nil {
			dest[i] = ""
		}
	}
	return nil
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *textRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.typed.ColumnTypeDatabaseTypeName(i)
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *textRows) ColumnTypeScanType(i int) reflect.Type {
	if s, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return s.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
