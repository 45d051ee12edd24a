package ddl

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// widen applies ALTER TABLE ... MODIFY (col VARCHAR2(n)): only a VARCHAR2 may change, and only to a
// greater length, so a modification never loses data and the migrator can tell from the dictionary
// whether it already happened (CHAR_LENGTH >= n).
func (t *Table) widen(c Column) error {
	for i, have := range t.Columns {
		if have.Name != c.Name {
			continue
		}
		if have.Type.Name != "VARCHAR2" || c.Type.Name != "VARCHAR2" || len(c.Type.Args) != 1 || len(have.Type.Args) != 1 {
			return fmt.Errorf("alter table %s modify %s: only a VARCHAR2 length may change (have %s, want %s)", t.Name, c.Name, have.Type, c.Type)
		}
		if c.Type.Args[0] <= have.Type.Args[0] {
			return fmt.Errorf("alter table %s modify %s: %s does not widen %s", t.Name, c.Name, c.Type, have.Type)
		}
		t.Columns[i].Type = c.Type
		return nil
	}
	return fmt.Errorf("alter table %s modify: unknown column %s", t.Name, c.Name)
}

// Index key forms the migrator recognises in Oracle's dictionary (USER_IND_COLUMNS, and
// USER_IND_EXPRESSIONS for the hidden SYS_NC columns of expression keys and TIMESTAMP WITH TIME
// ZONE columns): a column, LOWER(column), and CASE WHEN c IS NOT NULL THEN column END.
var (
	lowerKey = regexp.MustCompile(`^lower\(([a-z_][a-z0-9_$#]*)\)$`)
	caseKey  = regexp.MustCompile(`^case when ([a-z_][a-z0-9_$#]*) is not null then ([a-z_][a-z0-9_$#]*) end$`)
)

// KeyColumns returns the columns a normalised index key reads, and false when the key is not one of
// the forms the migrator can recognise in the dictionary.
func KeyColumns(key string) ([]string, bool) {
	switch {
	case isIdentifier(key):
		return []string{key}, true
	case lowerKey.MatchString(key):
		return []string{lowerKey.FindStringSubmatch(key)[1]}, true
	case caseKey.MatchString(key):
		m := caseKey.FindStringSubmatch(key)
		return []string{m[1], m[2]}, true
	}
	return nil, false
}

// checkGuardable refuses a unique index the migrator could not guard on a shared database: one with
// a key expression it cannot recognise in the dictionary (it would neither see an equivalent index
// of the other application nor its own after a partial run), and one whose keys repeat the primary
// key, a unique constraint or another index of the table (Oracle refuses the second one with
// ORA-01408, and the migrator would skip it as present: the intended uniqueness would silently rest
// on whatever the other index is).
func (s *Schema) checkGuardable(t *Table, ix *Index) error {
	if !ix.Unique {
		return nil
	}
	for _, k := range ix.Keys {
		cols, ok := KeyColumns(k)
		if !ok {
			return fmt.Errorf("unique index %s: key %q is not a form the migrator can recognise (a column, LOWER(column), CASE WHEN c IS NOT NULL THEN column END)", ix.Name, k)
		}
		for _, c := range cols {
			if _, ok := t.Column(c); !ok {
				return fmt.Errorf("unique index %s: unknown column %s.%s", ix.Name, t.Name, c)
			}
		}
	}
	if ix.Where != "" {
		return nil
	}
	keys := map[string]string{strings.Join(t.PrimaryKey.Columns, ","): t.PrimaryKey.Name}
	for _, u := range t.Uniques {
		keys[strings.Join(u.Columns, ",")] = u.Name
	}
	for _, other := range s.IndexesOn(t.Name) {
		if other.Where == "" {
			keys[strings.Join(other.Keys, ",")] = other.Name
		}
	}
	if other, ok := keys[strings.Join(ix.Keys, ",")]; ok && !slices.Contains(ix.Keys, "") {
		return fmt.Errorf("unique index %s: the same keys are already indexed by %s (ORA-01408)", ix.Name, other)
	}
	return nil
}

// checkNames refuses what Oracle's shared namespaces refuse for a new table: a constraint name any
// table already uses (constraint names are unique per schema, ORA-02264), and a primary key or
// unique constraint named like an existing index, table or view (Oracle names the constraint's
// index after it; tables, views and indexes share one namespace, ORA-00955).
func (s *Schema) checkNames(t *Table) error {
	for _, n := range t.ConstraintNames() {
		for _, other := range s.Tables {
			if slices.Contains(other.ConstraintNames(), n) {
				return fmt.Errorf("table %s: constraint name %s is already used by table %s (ORA-02264)", t.Name, n, other.Name)
			}
		}
	}
	for _, k := range append([]Key{t.PrimaryKey}, t.Uniques...) {
		if s.Table(k.Name) != nil || s.view(k.Name) != nil || k.Name == t.Name || s.index(k.Name) {
			return fmt.Errorf("table %s: constraint %s names the index Oracle creates for it, and that name is taken (ORA-00955)", t.Name, k.Name)
		}
	}
	return nil
}

// keyIndex returns the table whose primary key or unique constraint (hence its index) is named name.
func (s *Schema) keyIndex(name string) string {
	for _, t := range s.Tables {
		for _, k := range append([]Key{t.PrimaryKey}, t.Uniques...) {
			if k.Name == name {
				return t.Name
			}
		}
	}
	return ""
}

func (s *Schema) index(name string) bool {
	for _, ix := range s.Indexes {
		if ix.Name == name {
			return true
		}
	}
	return false
}
