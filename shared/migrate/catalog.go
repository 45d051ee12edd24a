package migrate

import (
	"regexp"
	"strings"

	"github.com/octo-drone-shop/serverless/schema/ddl"
)

// Catalog is what a database already holds, read from its dictionary (Oracle USER_TABLES,
// USER_TAB_COLUMNS, USER_INDEXES, USER_IND_COLUMNS, USER_CONSTRAINTS; SQLite sqlite_master and
// PRAGMAs). Names are lower case.
type Catalog struct {
	Tables  map[string]*CatalogTable
	Indexes map[string]CatalogIndex
	Views   map[string]bool
}

// CatalogTable is an existing table.
type CatalogTable struct {
	Name    string
	Columns map[string]CatalogColumn
	// Constraints holds the names of the table's named constraints; nil when the dictionary does not
	// record names (SQLite), which disables the missing-constraint notices.
	Constraints map[string]bool
}

// CatalogColumn is an existing column as the dictionary describes it.
type CatalogColumn struct {
	Name string
	// DataType is the dictionary's type name: Oracle DATA_TYPE (NUMBER, VARCHAR2,
	// TIMESTAMP(6) WITH TIME ZONE, ...) or SQLite's declared type.
	DataType string
	// Precision and Scale are Oracle DATA_PRECISION/DATA_SCALE, -1 when NULL (unconstrained NUMBER).
	Precision, Scale int
	// CharLength is Oracle CHAR_LENGTH for character types.
	CharLength int
	Nullable   bool
	Identity   bool
}

// CatalogIndex is an existing index. Columns are its key columns in order as the dictionary lists
// them (Oracle lists a hidden SYS_NC column for an expression key and for a TIMESTAMP WITH TIME ZONE
// column); Keys are its keys normalised as package ddl writes them (lower(email), window_start),
// read from USER_IND_EXPRESSIONS on Oracle and from the index's SQL on SQLite, which is what
// equivalence is judged on.
type CatalogIndex struct {
	Name    string
	Table   string
	Columns []string
	Keys    []string
	Unique  bool
}

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog {
	return &Catalog{Tables: map[string]*CatalogTable{}, Indexes: map[string]CatalogIndex{}, Views: map[string]bool{}}
}

// addTable records a table created from a parsed definition.
func (c *Catalog) addTable(t *ddl.Table) {
	ct := &CatalogTable{Name: t.Name, Columns: map[string]CatalogColumn{}, Constraints: map[string]bool{}}
	for _, col := range t.Columns {
		ct.Columns[col.Name] = columnFromModel(col)
	}
	for _, n := range t.ConstraintNames() {
		ct.Constraints[n] = true
	}
	c.Tables[t.Name] = ct
}

// columnFromModel describes a column the way the dictionary would after creating it.
func columnFromModel(col ddl.Column) CatalogColumn {
	cc := CatalogColumn{Name: col.Name, DataType: col.Type.Name, Precision: -1, Scale: -1,
		Nullable: !col.NotNull, Identity: col.Identity}
	switch {
	case strings.HasPrefix(col.Type.Name, "VARCHAR2") && len(col.Type.Args) == 1:
		cc.CharLength = col.Type.Args[0]
	case col.Type.Name == "NUMBER" && len(col.Type.Args) >= 1:
		cc.Precision, cc.Scale = col.Type.Args[0], 0
		if len(col.Type.Args) == 2 {
			cc.Scale = col.Type.Args[1]
		}
	}
	return cc
}

// plainColumns returns the index keys when every key is a bare column name.
func plainColumns(keys []string) ([]string, bool) {
	for _, k := range keys {
		if strings.ContainsAny(k, "( ") {
			return nil, false
		}
	}
	return keys, true
}

// utcKey matches the expression Oracle indexes for a TIMESTAMP WITH TIME ZONE column.
var utcKey = regexp.MustCompile(`^sys_extract_utc\(([a-z_][a-z0-9_$#]*)\)$`)

// NormalizeOracleKey turns an index key as USER_IND_EXPRESSIONS stores it (LOWER("EMAIL"),
// SYS_EXTRACT_UTC("WINDOW_START"), CASE WHEN "C" IS NOT NULL THEN "P" END) into the form package ddl
// gives the same key in our DDL (lower(email), window_start, case when c is not null then p end),
// or "" when it cannot be read.
func NormalizeOracleKey(expr string) string {
	st, err := ddl.Parse("CREATE INDEX k ON t (" + strings.ReplaceAll(expr, `"`, "") + ")")
	if err != nil || len(st.Index.Keys) != 1 {
		return ""
	}
	k := st.Index.Keys[0]
	if m := utcKey.FindStringSubmatch(k); m != nil {
		return m[1]
	}
	return k
}
