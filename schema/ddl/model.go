// Package ddl parses the subset of SQL DDL the schema is written in, for Oracle and SQLite alike,
// into a model of tables, columns, constraints and indexes.
//
// The model serves two consumers: the conformance test that keeps the SQLite schema equal to the
// authoritative Oracle one, and the migrator, which compares the wanted model with an existing Oracle
// catalog to add what is missing on a shared database. The parser is deliberately strict: it accepts
// only CREATE TABLE, CREATE [UNIQUE] INDEX, CREATE VIEW, ALTER TABLE ... ADD and ALTER TABLE ... MODIFY
// (a VARCHAR2 widening only), requires every
// constraint to be named, refuses quoted identifiers and Oracle reserved words as names, and refuses
// any destructive statement (DROP, TRUNCATE, DELETE, RENAME) outright with ErrDestructive.
//
// It also refuses what Oracle would refuse half-way through a migration, so the embedded database's
// tests catch it: identifiers over 128 bytes and reserved words, a TIMESTAMP WITH TIME ZONE column in
// a primary key or unique constraint (ORA-02329), two keys over the same columns (ORA-02261,
// ORA-01408), names Oracle's shared namespaces refuse (ORA-00955, ORA-02264), and unique indexes the
// migrator could not guard on a shared database (see Schema.checkGuardable).
//
// A hand-written parser rather than a SQL grammar library: no maintained Go library parses both Oracle
// and SQLite DDL, and the subset is small enough that a recursive-descent parser is shorter than the
// glue any general parser would need.
package ddl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Type is a column's declared type, e.g. NUMBER(12,2), VARCHAR2(200), TIMESTAMP WITH TIME ZONE, TEXT.
type Type struct {
	// Name is the upper-case type name, multi-word names joined by single spaces.
	Name string
	// Args are the precision/length and scale arguments, if any.
	Args []int
}

// String renders the type as it would be declared.
func (t Type) String() string {
	if len(t.Args) == 0 {
		return t.Name
	}
	parts := make([]string, len(t.Args))
	for i, a := range t.Args {
		parts[i] = strconv.Itoa(a)
	}
	return t.Name + "(" + strings.Join(parts, ",") + ")"
}

// Column is one column definition.
type Column struct {
	Name string
	Type Type
	// NotNull is the effective nullability: declared NOT NULL, an identity column or part of the
	// primary key.
	NotNull bool
	// Default is the normalised DEFAULT expression, empty when there is none.
	Default string
	// Identity marks Oracle identity columns and SQLite INTEGER PRIMARY KEY AUTOINCREMENT columns.
	Identity bool
}

// Definition renders the column as a column definition for ALTER TABLE ... ADD.
func (c Column) Definition() string {
	var b strings.Builder
	b.WriteString(c.Name + " " + c.Type.String())
	if c.Default != "" {
		b.WriteString(" DEFAULT " + c.Default)
	}
	if c.NotNull {
		b.WriteString(" NOT NULL")
	}
	return b.String()
}

// Key is a named PRIMARY KEY or UNIQUE constraint.
type Key struct {
	Name    string
	Columns []string
}

// ForeignKey is a named FOREIGN KEY constraint.
type ForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	// OnDelete is "", "cascade" or "set null".
	OnDelete string
}

// Check is a named CHECK constraint with its normalised expression.
type Check struct {
	Name string
	Expr string
}

// Table is a table with its columns and constraints, in declaration order.
type Table struct {
	Name        string
	Columns     []Column
	PrimaryKey  Key
	Uniques     []Key
	ForeignKeys []ForeignKey
	Checks      []Check
}

// Column returns the named column and whether it exists.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ConstraintNames lists the names of every constraint on the table.
func (t *Table) ConstraintNames() []string {
	var names []string
	if t.PrimaryKey.Name != "" {
		names = append(names, t.PrimaryKey.Name)
	}
	for _, u := range t.Uniques {
		names = append(names, u.Name)
	}
	for _, f := range t.ForeignKeys {
		names = append(names, f.Name)
	}
	for _, c := range t.Checks {
		names = append(names, c.Name)
	}
	return names
}

// Index is a CREATE [UNIQUE] INDEX statement.
type Index struct {
	Name   string
	Table  string
	Unique bool
	// Keys are the normalised key expressions; a plain column key is just the column name.
	Keys []string
	// Where is the normalised partial-index predicate (SQLite), empty when there is none.
	Where string
}

// View is a CREATE VIEW statement.
type View struct {
	Name string
	// Query is the normalised defining query.
	Query string
}

// StatementKind says what a statement does.
type StatementKind int

// The statement kinds the parser accepts.
const (
	CreateTable StatementKind = iota + 1
	CreateIndex
	CreateView
	AlterTableAdd
	AlterTableModify
	// AlterTableCheck sets a named CHECK constraint: added when missing, replaced when present.
	AlterTableCheck
	// Backfill fills a column's NULLs: UPDATE t SET c = expr WHERE c IS NULL (see backfill.go).
	Backfill
)

// String names the kind.
func (k StatementKind) String() string {
	switch k {
	case CreateTable:
		return "CREATE TABLE"
	case CreateIndex:
		return "CREATE INDEX"
	case CreateView:
		return "CREATE VIEW"
	case AlterTableAdd:
		return "ALTER TABLE ADD"
	case AlterTableModify:
		return "ALTER TABLE MODIFY"
	case AlterTableCheck:
		return "ALTER TABLE ADD CONSTRAINT CHECK"
	case Backfill:
		return "UPDATE ... WHERE ... IS NULL"
	}
	return "unknown"
}

// Statement is one parsed statement with its original text.
type Statement struct {
	Kind StatementKind
	// SQL is the statement text as written, without the terminating semicolon.
	SQL string
	// Table is set for CreateTable, for AlterTableAdd (name, added columns and their inline checks)
	// for AlterTableModify (name, and each modified column with its new type only) and for
	// AlterTableCheck (name, and the one CHECK it sets).
	Table *Table
	// Index is set for CreateIndex.
	Index *Index
	// View is set for CreateView.
	View *View
	// Fill is set for Backfill.
	Fill *Fill
}

// Schema is the result of applying statements in order.
type Schema struct {
	Tables  []*Table
	Indexes []*Index
	Views   []*View
}

// Table returns the named table, or nil.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// IndexesOn returns the indexes of a table.
func (s *Schema) IndexesOn(table string) []*Index {
	var out []*Index
	for _, ix := range s.Indexes {
		if ix.Table == table {
			out = append(out, ix)
		}
	}
	return out
}

// Apply adds one statement's effect to the schema, checking references: tables must be new, indexed
// and referenced tables and columns must exist, index names must be unique.
func (s *Schema) Apply(st Statement) error {
	switch st.Kind {
	case CreateTable:
		if s.Table(st.Table.Name) != nil || s.view(st.Table.Name) != nil {
			return fmt.Errorf("table %s already exists", st.Table.Name)
		}
		if err := s.checkNames(st.Table); err != nil {
			return err
		}
		for _, fk := range st.Table.ForeignKeys {
			ref := s.Table(fk.RefTable)
			if fk.RefTable == st.Table.Name {
				ref = st.Table
			}
			if ref == nil {
				return fmt.Errorf("table %s: foreign key %s references unknown table %s", st.Table.Name, fk.Name, fk.RefTable)
			}
			for _, c := range fk.RefColumns {
				if _, ok := ref.Column(c); !ok {
					return fmt.Errorf("table %s: foreign key %s references unknown column %s.%s", st.Table.Name, fk.Name, fk.RefTable, c)
				}
			}
		}
		cp := *st.Table
		s.Tables = append(s.Tables, &cp)
	case AlterTableAdd:
		t := s.Table(st.Table.Name)
		if t == nil {
			return fmt.Errorf("alter table: unknown table %s", st.Table.Name)
		}
		for _, c := range st.Table.Columns {
			if _, ok := t.Column(c.Name); ok {
				return fmt.Errorf("alter table %s: column %s already exists", t.Name, c.Name)
			}
			t.Columns = append(t.Columns, c)
		}
		t.Checks = append(t.Checks, st.Table.Checks...)
	case AlterTableModify:
		t := s.Table(st.Table.Name)
		if t == nil {
			return fmt.Errorf("alter table: unknown table %s", st.Table.Name)
		}
		for _, c := range st.Table.Columns {
			if err := t.widen(c); err != nil {
				return err
			}
		}
	case AlterTableCheck:
		t := s.Table(st.Table.Name)
		if t == nil {
			return fmt.Errorf("alter table: unknown table %s", st.Table.Name)
		}
		ck := st.Table.Checks[0]
		if i := slices.IndexFunc(t.Checks, func(c Check) bool { return c.Name == ck.Name }); i >= 0 {
			t.Checks[i] = ck
			break
		}
		if err := s.checkNames(&Table{Name: t.Name, Checks: []Check{ck}}); err != nil {
			return err
		}
		t.Checks = append(t.Checks, ck)
	case CreateIndex:
		t := s.Table(st.Index.Table)
		if t == nil {
			return fmt.Errorf("index %s: unknown table %s", st.Index.Name, st.Index.Table)
		}
		for _, ix := range s.Indexes {
			if ix.Name == st.Index.Name {
				return fmt.Errorf("index %s already exists", ix.Name)
			}
		}
		if s.Table(st.Index.Name) != nil || s.view(st.Index.Name) != nil || s.keyIndex(st.Index.Name) != "" {
			return fmt.Errorf("index %s: the name is already used by a table, view or key constraint (ORA-00955)", st.Index.Name)
		}
		for _, k := range st.Index.Keys {
			if isIdentifier(k) {
				if _, ok := t.Column(k); !ok {
					return fmt.Errorf("index %s: unknown column %s.%s", st.Index.Name, t.Name, k)
				}
			}
		}
		if err := s.checkGuardable(t, st.Index); err != nil {
			return err
		}
		cp := *st.Index
		s.Indexes = append(s.Indexes, &cp)
	case Backfill:
		t := s.Table(st.Fill.Table)
		if t == nil {
			return fmt.Errorf("backfill: unknown table %s", st.Fill.Table)
		}
		if _, ok := t.Column(st.Fill.Column); !ok {
			return fmt.Errorf("backfill: unknown column %s.%s", t.Name, st.Fill.Column)
		}
	case CreateView:
		if s.Table(st.View.Name) != nil || s.view(st.View.Name) != nil {
			return fmt.Errorf("view %s: name already in use", st.View.Name)
		}
		cp := *st.View
		s.Views = append(s.Views, &cp)
	default:
		return fmt.Errorf("apply: unsupported statement kind %d", st.Kind)
	}
	return nil
}

func (s *Schema) view(name string) *View {
	for _, v := range s.Views {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// isIdentifier reports whether a normalised key expression is a bare column name.
func isIdentifier(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentPart(s[i]) {
			return false
		}
	}
	return true
}

// UnindexedForeignKeys lists, as "table.constraint", every foreign key whose columns are not the
// leading columns of an index, primary key or unique constraint on the same table. Such a foreign
// key makes every delete or key update on the parent scan the child (and on Oracle lock it).
func (s *Schema) UnindexedForeignKeys() []string {
	var out []string
	for _, t := range s.Tables {
		var keys [][]string
		keys = append(keys, t.PrimaryKey.Columns)
		for _, u := range t.Uniques {
			keys = append(keys, u.Columns)
		}
		for _, ix := range s.IndexesOn(t.Name) {
			if ix.Where == "" {
				keys = append(keys, ix.Keys)
			}
		}
		for _, fk := range t.ForeignKeys {
			if !leadsAny(keys, fk.Columns) {
				out = append(out, t.Name+"."+fk.Name)
			}
		}
	}
	return out
}

// leadsAny reports whether cols are the leading entries of one of keys.
func leadsAny(keys [][]string, cols []string) bool {
	for _, k := range keys {
		if len(k) >= len(cols) && equalStrings(k[:len(cols)], cols) {
			return true
		}
	}
	return false
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
