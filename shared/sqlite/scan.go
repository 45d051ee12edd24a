package sqlite

import (
	"database/sql/driver"
	"reflect"
	"strings"
	"time"
)

// Rows hands values back as godror does on Oracle: a NULL in a column declared as text is "" (Oracle
// makes no difference between NULL and the empty string, and godror returns "" for a NULL VARCHAR2,
// CHAR or CLOB), so code that scans one into a *string works on both, a sql.NullString comes back
// Valid with "" on both (which is why the codebase never uses it), and a *string pointer destination
// is never nil for such a column on either. Other NULLs (numbers, timestamps, and expressions without
// a declared type, which SQLite cannot type) stay NULL.
//
// Timestamps: the driver scans the canonical text (TimeFormat) into time.Time for columns declared
// TIMESTAMP. An expression without a declared type (MAX(created_at), COALESCE(shipped_at,
// created_at), a scalar subquery) is a TIMESTAMP on Oracle when its operands are, so its value is
// handed back as a time.Time here when it has exactly TimeFormat's shape, the only form in which the
// twin stores a timestamp, and as the text it is otherwise. This replaces the driver's _texttotime,
// which tried eight layouts on every typeless text value (COALESCE(region, 'unknown') on each row:
// 2 us a value, most of the analytics overview's reads) and turned any text that parsed as a date
// ("2026-01-02", a name or a code) into a time that a *string destination then read back re-rendered.
func (sqliteDialect) Rows(r driver.Rows) driver.Rows {
	typed, ok := r.(driver.RowsColumnTypeDatabaseTypeName)
	if !ok {
		return r
	}
	var text, typeless []int
	for i := range r.Columns() {
		switch decl := typed.ColumnTypeDatabaseTypeName(i); {
		case decl == "":
			typeless = append(typeless, i)
		case isText(decl):
			text = append(text, i)
		}
	}
	if len(text) == 0 && len(typeless) == 0 {
		return r
	}
	return &textRows{Rows: r, typed: typed, text: text, typeless: typeless}
}

// asTime parses s when it has TimeFormat's exact shape ("2006-01-02T15:04:05.000Z"); the shape is
// checked first, so ordinary text costs a few comparisons.
func asTime(s string) (time.Time, bool) {
	if len(s) != len(TimeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	t, err := time.Parse(TimeFormat, s)
	return t, err == nil
}

// isText reports whether a declared column type has text affinity in SQLite (it contains CHAR, CLOB
// or TEXT: the twin declares TEXT for Oracle's VARCHAR2 and CLOB).
func isText(decl string) bool {
	decl = strings.ToUpper(decl)
	return strings.Contains(decl, "CHAR") || strings.Contains(decl, "CLOB") || strings.Contains(decl, "TEXT")
}

// textRows turns NULL into "" in the text columns of a result, and canonical timestamp text into
// time.Time in its typeless ones.
type textRows struct {
	driver.Rows
	typed    driver.RowsColumnTypeDatabaseTypeName
	text     []int // indexes of the text columns
	typeless []int // indexes of the columns without a declared type
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
	for _, i := range r.typeless {
		if s, ok := dest[i].(string); ok {
			if t, ok := asTime(s); ok {
				dest[i] = t
			}
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
