package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/octo-drone-shop/serverless/schema/ddl"
)

// ReplaceCheck is the action kind of an ALTER TABLE ... ADD CONSTRAINT c CHECK (...) statement: the
// named CHECK is added, or replaced when the table has one of that name.
const ReplaceCheck = "replace check"

// addCheckRE splits a parsed ALTER TABLE ... ADD CONSTRAINT ... CHECK statement into its table,
// constraint name and parenthesised condition, as written.
var addCheckRE = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+(\S+)\s+ADD\s+CONSTRAINT\s+(\S+)\s+CHECK\s*(\(.*\))\s*$`)

// planCheck plans a CHECK constraint change. A CHECK can be replaced without losing data, but never
// by leaving the table unguarded or half-changed:
//
//   - Oracle: a missing constraint is added as written. An existing one is replaced in three
//     statements: the new condition is added under a temporary name first (Oracle validates every
//     row, so rows the new condition refuses stop the run with the old constraint still in place),
//     then the old one is dropped and the new one renamed to the declared name. A rerun after a
//     failure in between finds the temporary constraint in the dictionary and completes the
//     sequence: a left-over temporary constraint is dropped and made again.
//   - SQLite cannot alter a constraint. Rebuilding the table (create a copy, copy the rows, drop,
//     rename) is what SQLite documents, but with foreign keys on a DROP TABLE runs the ON DELETE
//     actions of every referencing table (users is referenced by audit_logs, tickets, ...), and
//     foreign_keys cannot be switched off inside the version's transaction. A CHECK is not part of
//     the stored rows, so the migrator uses SQLite's documented procedure for such changes instead:
//     count the rows the new condition refuses (none may be), rewrite the table's CREATE text in
//     sqlite_master under writable_schema, and move schema_version so every connection reloads the
//     schema; all in the version's transaction, so a failure changes nothing.
func (p *plan) planCheck(cat *Catalog, dialect string, version int, st ddl.Statement) {
	t, ok := cat.Tables[st.Table.Name]
	if !ok {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: st.Table.Name, Problem: "table to alter does not exist"})
		return
	}
	m := addCheckRE.FindStringSubmatch(st.SQL)
	if m == nil {
		p.Incompatibilities = append(p.Incompatibilities, Incompatibility{Version: version, Object: st.Table.Name, Problem: "unreadable ADD CONSTRAINT ... CHECK statement"})
		return
	}
	name, cond := st.Table.Checks[0].Name, m[3]
	object := t.Name + "." + name
	if rulesOf(dialect).rebuildsChecks {
		p.Actions = append(p.Actions, Action{Version: version, Kind: ReplaceCheck, Object: object, Table: t.Name,
			SQL: "CONSTRAINT " + name + " CHECK " + cond})
		return
	}
	add := func(n string) string { return "ALTER TABLE " + t.Name + " ADD CONSTRAINT " + n + " CHECK " + cond }
	act := func(sql string) {
		p.Actions = append(p.Actions, Action{Version: version, Kind: ReplaceCheck, Object: object, SQL: sql})
	}
	if t.Constraints == nil || !t.Constraints[name] {
		act(add(name))
		markConstraint(t, name)
		return
	}
	tmp := tempCheckName(name)
	if t.Constraints[tmp] {
		act("ALTER TABLE " + t.Name + " DROP CONSTRAINT " + tmp)
	}
	act(add(tmp))
	act("ALTER TABLE " + t.Name + " DROP CONSTRAINT " + name)
	act("ALTER TABLE " + t.Name + " RENAME CONSTRAINT " + tmp + " TO " + name)
	delete(t.Constraints, tmp)
}

func markConstraint(t *CatalogTable, name string) {
	if t.Constraints != nil {
		t.Constraints[name] = true
	}
}

// tempCheckName is the name a replacement CHECK carries until the old one is dropped.
func tempCheckName(name string) string {
	const suffix = "_new"
	if len(name)+len(suffix) > 128 {
		name = name[:128-len(suffix)]
	}
	return name + suffix
}

// sqliteTableSQLSQL reads a table's CREATE text.
const sqliteTableSQLSQL = `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`

// replaceSQLiteCheck runs a planned ReplaceCheck on SQLite inside tx (see planCheck).
func replaceSQLiteCheck(ctx context.Context, tx *sql.Tx, a Action) error {
	name, cond, ok := strings.Cut(strings.TrimPrefix(a.SQL, "CONSTRAINT "), " CHECK ")
	if !ok {
		return errors.New("malformed action")
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+a.Table+" WHERE NOT "+cond).Scan(&n); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%d row(s) of %s break the new condition; nothing changed", n, a.Table)
	}
	var create string
	if err := tx.QueryRowContext(ctx, sqliteTableSQLSQL, a.Table).Scan(&create); err != nil {
		return fmt.Errorf("read table: %w", err)
	}
	rewritten, err := setCheckClause(create, name, a.SQL)
	if err != nil {
		return err
	}
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		return fmt.Errorf("read schema_version: %w", err)
	}
	for _, step := range []struct {
		sql  string
		args []any
	}{
		{"PRAGMA writable_schema = ON", nil},
		{`UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?`, []any{rewritten, a.Table}},
		{fmt.Sprintf("PRAGMA schema_version = %d", version+1), nil},
		{"PRAGMA writable_schema = OFF", nil},
	} {
		if _, err := tx.ExecContext(ctx, step.sql, step.args...); err != nil {
			return fmt.Errorf("%s: %w", step.sql, err)
		}
	}
	return nil
}

// setCheckClause returns a CREATE TABLE text with the constraint clause named name replaced by
// clause, or clause appended as the last table element when there is none of that name.
func setCheckClause(create, name, clause string) (string, error) {
	re := regexp.MustCompile(`(?i)\bCONSTRAINT\s+` + regexp.QuoteMeta(name) + `\s+CHECK\s*\(`)
	if loc := re.FindStringIndex(create); loc != nil {
		end, err := closingParen(create, loc[1]-1)
		if err != nil {
			return "", err
		}
		return create[:loc[0]] + clause + create[end+1:], nil
	}
	last := strings.LastIndexByte(create, ')')
	if last < 0 {
		return "", errors.New("table text has no element list")
	}
	return strings.TrimRight(create[:last], " \t\n") + ",\n    " + clause + "\n" + create[last:], nil
}

// closingParen returns the index of the parenthesis closing the one at open, skipping quoted text.
func closingParen(s string, open int) (int, error) {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return 0, errors.New("unterminated string in table text")
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, errors.New("unbalanced parentheses in table text")
}
