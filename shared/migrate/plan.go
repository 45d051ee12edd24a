package migrate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/schema/ddl"
)

// Action kinds.
const (
	CreateTable = "create table"
	AddColumn   = "add column"
	CreateIndex = "create index"
	CreateView  = "create view"
	WidenColumn = "widen column"
	// BackfillColumn fills a column's NULLs (UPDATE t SET c = expr WHERE c IS NULL).
	BackfillColumn = "backfill column"
)

// Action is one statement the migrator executes, or one it skips because the database already has
// the object (Reason says why).
type Action struct {
	Version int
	Kind    string
	// Object is the table, "table.column", index or view name.
	Object string
	// Table is the indexed table of a CreateIndex, and the table of a SQLite ReplaceCheck.
	Table string
	// SQL is the statement executed; empty for a skipped action.
	SQL string
	// Reason explains a skip.
	Reason string
}

// Incompatibility is an existing object that differs from the wanted schema in a way the migrator
// does not repair (it never alters or drops existing columns): an operator decides.
type Incompatibility struct {
	Version int
	// Object is "table" or "table.column" or an index name.
	Object  string
	Problem string
}

// String renders the incompatibility for a report line.
func (i Incompatibility) String() string {
	return fmt.Sprintf("v%d %s: %s", i.Version, i.Object, i.Problem)
}

// plan is what one migration version needs on a given catalog.
type plan struct {
	Actions           []Action
	Skipped           []Action
	Incompatibilities []Incompatibility
	Notices           []string
}

// planVersion compares one version's statements with the catalog and returns the steps to run:
// objects that do not exist are created as written; an existing table gets its missing columns
// added (ALTER TABLE ... ADD) and its differing columns reported; an existing index (same name, or
// same columns on the same table) is skipped. The catalog is updated with the planned changes so the
// statements that follow, and the next version, see them. It is a pure function of its inputs.
func planVersion(cat *Catalog, dialect string, version int, stmts []ddl.Statement) plan {
	var p plan
	for _, st := range stmts {
		switch st.Kind {
		case ddl.CreateTable:
			existing, ok := cat.Tables[st.Table.Name]
			if !ok {
				p.Actions = append(p.Actions, Action{Version: version, Kind: CreateTable, Object: st.Table.Name, SQL: st.SQL})
				cat.addTable(st.Table)
				continue
			}
			p.Skipped = append(p.Skipped, Action{Version: version, Kind: CreateTable, Object: st.Table.Name, Reason: "table exists"})
			p.reconcileColumns(dialect, version, existing, st.Table.Columns)
			if existing.Constraints != nil {
				for _, n := range st.Table.ConstraintNames() {
					if !existing.Constraints[n] {
						p.Notices = append(p.Notices, fmt.Sprintf("v%d %s: constraint %s is missing on the existing table; not added", version, st.Table.Name, n))
					}
				}
			}
		case ddl.AlterTableAdd:
			existing, ok := cat.Tables[st.Table.Name]
			if !ok {
				p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: st.Table.Name, Problem: "table to alter does not exist"})
				continue
			}
			if !p.addVerbatim(dialect, version, existing, st) {
				p.reconcileColumns(dialect, version, existing, st.Table.Columns)
			}
		case ddl.AlterTableModify:
			p.planWiden(cat, dialect, version, st)
		case ddl.AlterTableCheck:
			p.planCheck(cat, dialect, version, st)
		case ddl.Backfill:
			p.planBackfill(cat, version, st)
		case ddl.CreateIndex:
			p.planIndex(cat, version, st)
		case ddl.CreateView:
			if cat.Views[st.View.Name] || cat.Tables[st.View.Name] != nil {
				p.Skipped = append(p.Skipped, Action{Version: version, Kind: CreateView, Object: st.View.Name, Reason: "name exists"})
				continue
			}
			p.Actions = append(p.Actions, Action{Version: version, Kind: CreateView, Object: st.View.Name, SQL: st.SQL})
			cat.Views[st.View.Name] = true
		}
	}
	return p
}

// planBackfill runs a backfill as written when its column exists. It changes only NULLs, so running it
// on a database where the rows already have values (a rerun, or the other application's rows) is a
// no-op.
func (p *plan) planBackfill(cat *Catalog, version int, st ddl.Statement) {
	obj := st.Fill.Table + "." + st.Fill.Column
	t, ok := cat.Tables[st.Fill.Table]
	if !ok {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: st.Fill.Table, Problem: "table to backfill does not exist"})
		return
	}
	if _, ok := t.Columns[st.Fill.Column]; !ok {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj, Problem: "column to backfill does not exist"})
		return
	}
	p.Actions = append(p.Actions, Action{Version: version, Kind: BackfillColumn, Object: obj, Table: t.Name, SQL: st.SQL})
}

// addVerbatim runs an ALTER TABLE ... ADD as written when every column it adds is missing and can be
// added as declared, so what the statement carries besides the columns (the twin's inline byte-length
// CHECK) is not lost; otherwise it reports false and reconcileColumns adds what it can.
func (p *plan) addVerbatim(dialect string, version int, t *CatalogTable, st ddl.Statement) bool {
	var names []string
	for _, col := range st.Table.Columns {
		if _, ok := t.Columns[col.Name]; ok || col.Identity || col.NotNull && col.Default == "" ||
			rulesOf(dialect).constantDefaultsOnly && strings.HasPrefix(col.Default, "(") {
			return false
		}
		names = append(names, t.Name+"."+col.Name)
	}
	p.Actions = append(p.Actions, Action{Version: version, Kind: AddColumn, Object: strings.Join(names, ", "), SQL: st.SQL})
	for _, col := range st.Table.Columns {
		t.Columns[col.Name] = columnFromModel(col)
	}
	return true
}

// reconcileColumns adds the wanted columns a table lacks and reports the ones that differ.
func (p *plan) reconcileColumns(dialect string, version int, t *CatalogTable, want []ddl.Column) {
	for _, col := range want {
		obj := t.Name + "." + col.Name
		have, ok := t.Columns[col.Name]
		if ok {
			for _, problem := range columnProblems(dialect, col, have) {
				p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj, Problem: problem})
			}
			continue
		}
		if col.Identity {
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj, Problem: "identity column missing; an identity key cannot be added to an existing table"})
			continue
		}
		add := col
		if rulesOf(dialect).constantDefaultsOnly && strings.HasPrefix(col.Default, "(") {
			add.Default, add.NotNull = "", false
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj,
				Problem: "added as nullable without its default: SQLite cannot add a column with a non-constant default"})
		} else if col.NotNull && col.Default == "" {
			add.NotNull = false
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj,
				Problem: "added as nullable: NOT NULL without a default cannot be added to a table that may hold rows"})
		}
		p.Actions = append(p.Actions, Action{Version: version, Kind: AddColumn, Object: obj, SQL: addColumnSQL(dialect, t.Name, add)})
		t.Columns[col.Name] = columnFromModel(add)
	}
}

// planWiden widens VARCHAR2 columns (ALTER TABLE ... MODIFY, Oracle only) that are still narrower
// than wanted; a column already as wide or wider is skipped, so a rerun or the other application's
// wider column changes nothing.
func (p *plan) planWiden(cat *Catalog, dialect string, version int, st ddl.Statement) {
	t, ok := cat.Tables[st.Table.Name]
	if !ok {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: st.Table.Name, Problem: "table to alter does not exist"})
		return
	}
	for _, col := range st.Table.Columns {
		obj := t.Name + "." + col.Name
		have, ok := t.Columns[col.Name]
		switch {
		case !ok:
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj, Problem: "column to widen does not exist"})
		case !rulesOf(dialect).modifiesColumns:
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: obj, Problem: "SQLite cannot modify a column; widen it in the twin's CREATE TABLE"})
		case have.CharLength >= col.Type.Args[0]:
			p.Skipped = append(p.Skipped, Action{Version: version, Kind: WidenColumn, Object: obj, Reason: "already " + describe(have)})
		default:
			p.Actions = append(p.Actions, Action{Version: version, Kind: WidenColumn, Object: obj,
				SQL: "ALTER TABLE " + t.Name + " MODIFY (" + col.Name + " " + col.Type.String() + ")"})
			have.CharLength = col.Type.Args[0]
			t.Columns[col.Name] = have
		}
	}
}

// addColumnSQL renders ALTER TABLE ... ADD in the dialect's syntax.
func addColumnSQL(dialect, table string, col ddl.Column) string {
	return rulesOf(dialect).addColumnSQL(table, col.Definition())
}

// planIndex creates an index unless the database has it or an equivalent. An index of the same
// name on the same table is taken as ours; the same name on another table is an incompatibility
// (index names are per schema on Oracle, so ours cannot be created). An index of another name on
// the same table with the same keys, compared in ddl's normal form (expressions and TIMESTAMP WITH
// TIME ZONE columns read from USER_IND_EXPRESSIONS on Oracle), is an equivalent: Oracle would refuse
// ours with ORA-01408, so it is skipped, with a notice when ours is unique and that one is not.
func (p *plan) planIndex(cat *Catalog, version int, st ddl.Statement) {
	ix := st.Index
	if have, ok := cat.Indexes[ix.Name]; ok {
		if have.Table != ix.Table {
			p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: ix.Name,
				Problem: "the name is taken by an index on table " + have.Table + ", want one on " + ix.Table})
			return
		}
		if !slices.Equal(have.Keys, ix.Keys) && have.Keys != nil {
			p.Notices = append(p.Notices, fmt.Sprintf("v%d %s: the existing index has keys (%s), this version wants (%s); kept as it is",
				version, ix.Name, strings.Join(have.Keys, ", "), strings.Join(ix.Keys, ", ")))
		}
		p.Skipped = append(p.Skipped, Action{Version: version, Kind: CreateIndex, Object: ix.Name, Reason: "index exists"})
		return
	}
	t, ok := cat.Tables[ix.Table]
	if !ok {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: ix.Name, Problem: "indexed table " + ix.Table + " does not exist"})
		return
	}
	for _, k := range ix.Keys {
		cols, _ := ddl.KeyColumns(k)
		for _, c := range cols {
			if _, ok := t.Columns[c]; !ok {
				p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: ix.Name, Problem: "indexed column " + ix.Table + "." + c + " does not exist"})
				return
			}
		}
	}
	if ix.Where == "" {
		for _, name := range slices.Sorted(maps.Keys(cat.Indexes)) {
			other := cat.Indexes[name]
			if other.Table == ix.Table && slices.Equal(other.Keys, ix.Keys) {
				p.Skipped = append(p.Skipped, Action{Version: version, Kind: CreateIndex, Object: ix.Name, Reason: "same keys already indexed by " + other.Name})
				if ix.Unique && !other.Unique {
					p.Notices = append(p.Notices, fmt.Sprintf("v%d %s: uniqueness is not enforced: %s has the same keys and is not unique", version, ix.Name, other.Name))
				}
				return
			}
		}
	}
	cols, _ := plainColumns(ix.Keys)
	p.Actions = append(p.Actions, Action{Version: version, Kind: CreateIndex, Object: ix.Name, Table: ix.Table, SQL: st.SQL})
	cat.Indexes[ix.Name] = CatalogIndex{Name: ix.Name, Table: ix.Table, Columns: cols, Keys: ix.Keys, Unique: ix.Unique}
}

// columnProblems lists how an existing column falls short of the wanted one.
func columnProblems(dialect string, want ddl.Column, have CatalogColumn) []string {
	var out []string
	if problem := typeProblem(dialect, want.Type, have); problem != "" {
		out = append(out, problem)
	}
	switch {
	case want.NotNull && have.Nullable:
		out = append(out, "allows NULL, want NOT NULL")
	case !want.NotNull && !have.Nullable:
		out = append(out, "is NOT NULL, want nullable (inserts that omit it would fail)")
	}
	if want.Identity && !have.Identity {
		out = append(out, "is not an identity column, want generated keys")
	}
	return out
}

// typeProblem says why an existing column's type cannot hold the wanted type's values, or "".
// On Oracle a wider existing type is accepted; on SQLite the declared type must match.
func typeProblem(dialect string, want ddl.Type, have CatalogColumn) string {
	mismatch := fmt.Sprintf("type %s, want %s", describe(have), want)
	if rulesOf(dialect).exactTypes {
		if !strings.EqualFold(have.DataType, want.Name) {
			return mismatch
		}
		return ""
	}
	switch want.Name {
	case "NUMBER":
		if have.DataType != "NUMBER" {
			return mismatch
		}
		if have.Precision < 0 {
			return "" // unconstrained NUMBER holds anything
		}
		wantScale, wantInt := 0, 38
		if len(want.Args) >= 1 {
			wantInt = want.Args[0]
		}
		if len(want.Args) == 2 {
			wantScale = want.Args[1]
			wantInt -= wantScale
		}
		if have.Scale < wantScale || have.Precision-have.Scale < wantInt {
			return mismatch
		}
	case "VARCHAR2":
		if have.DataType != "VARCHAR2" && have.DataType != "NVARCHAR2" {
			return mismatch
		}
		if len(want.Args) == 1 && have.CharLength < want.Args[0] {
			return mismatch
		}
	case "CLOB":
		if have.DataType != "CLOB" && have.DataType != "NCLOB" {
			return mismatch
		}
	case "TIMESTAMP WITH TIME ZONE":
		if !strings.HasPrefix(have.DataType, "TIMESTAMP") || !strings.HasSuffix(have.DataType, " WITH TIME ZONE") {
			return mismatch
		}
	default:
		if have.DataType != want.Name {
			return mismatch
		}
	}
	return ""
}

// describe renders an existing column's type the way it would be declared.
func describe(c CatalogColumn) string {
	switch {
	case c.DataType == "NUMBER" && c.Precision >= 0:
		return fmt.Sprintf("NUMBER(%d,%d)", c.Precision, c.Scale)
	case (c.DataType == "VARCHAR2" || c.DataType == "NVARCHAR2") && c.CharLength > 0:
		return fmt.Sprintf("%s(%d)", c.DataType, c.CharLength)
	}
	return c.DataType
}
