package ddl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrDestructive is returned for any statement that could lose data: DROP, TRUNCATE, DELETE or
// RENAME. Migrations only ever add.
var ErrDestructive = errors.New("destructive statement refused")

// maxIdentifier is Oracle's identifier limit (bytes) since 12.2, which ATP 19c and 23ai both have.
const maxIdentifier = 128

// ParseScript splits a script into statements and parses each one.
func ParseScript(src string) ([]Statement, error) {
	texts, err := Split(src)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, 0, len(texts))
	for i, text := range texts {
		st, err := Parse(text)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Build applies statements in order to an empty schema.
func Build(stmts []Statement) (*Schema, error) {
	s := &Schema{}
	for i, st := range stmts {
		if err := s.Apply(st); err != nil {
			return nil, fmt.Errorf("build: statement %d: %w", i+1, err)
		}
	}
	return s, nil
}

// Parse parses one statement (without its semicolon).
func Parse(sql string) (Statement, error) {
	toks, err := lex(sql)
	if err != nil {
		return Statement{}, fmt.Errorf("parse: %w", err)
	}
	if len(toks) == 0 {
		return Statement{}, errors.New("parse: empty statement")
	}
	for _, t := range toks {
		if t.is("drop") || t.is("truncate") || t.is("rename") {
			return Statement{}, fmt.Errorf("parse: %w: %s", ErrDestructive, strings.ToUpper(t.text))
		}
	}
	if toks[0].is("delete") {
		return Statement{}, fmt.Errorf("parse: %w: DELETE", ErrDestructive)
	}
	p := &parser{toks: toks}
	st, err := p.statement()
	if err != nil {
		return Statement{}, fmt.Errorf("parse: %w", err)
	}
	if !p.done() {
		return Statement{}, fmt.Errorf("parse: unexpected %q after %s", p.peek().text, st.Kind)
	}
	st.SQL = strings.TrimSpace(sql)
	return st, nil
}

// parser is a recursive-descent cursor over one statement's tokens.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) done() bool { return p.pos >= len(p.toks) }

func (p *parser) peek() token {
	if p.done() {
		return token{kind: tokPunct, text: "<end>"}
	}
	return p.toks[p.pos]
}

func (p *parser) next() token {
	t := p.peek()
	if !p.done() {
		p.pos++
	}
	return t
}

// accept consumes the given words (or punctuation) in sequence when they all match.
func (p *parser) accept(words ...string) bool {
	if p.pos+len(words) > len(p.toks) {
		return false
	}
	for i, w := range words {
		if p.toks[p.pos+i].text != w || p.toks[p.pos+i].kind == tokString {
			return false
		}
	}
	p.pos += len(words)
	return true
}

func (p *parser) expect(words ...string) error {
	if !p.accept(words...) {
		return fmt.Errorf("expected %q, found %q", strings.Join(words, " "), p.peek().text)
	}
	return nil
}

// name consumes an identifier usable as a table, column, constraint or index name.
func (p *parser) name(what string) (string, error) {
	t := p.next()
	if t.kind != tokWord {
		return "", fmt.Errorf("expected %s name, found %q", what, t.text)
	}
	if len(t.text) > maxIdentifier {
		return "", fmt.Errorf("%s name %s is longer than %d bytes", what, t.text, maxIdentifier)
	}
	if isOracleReserved(t.text) {
		return "", fmt.Errorf("%s name %s is an Oracle reserved word", what, t.text)
	}
	return t.text, nil
}

func (p *parser) statement() (Statement, error) {
	switch {
	case p.accept("create", "table"):
		t, err := p.createTable()
		return Statement{Kind: CreateTable, Table: t}, err
	case p.accept("create", "unique", "index"):
		ix, err := p.createIndex(true)
		return Statement{Kind: CreateIndex, Index: ix}, err
	case p.accept("create", "index"):
		ix, err := p.createIndex(false)
		return Statement{Kind: CreateIndex, Index: ix}, err
	case p.accept("create", "view"):
		v, err := p.createView()
		return Statement{Kind: CreateView, View: v}, err
	case p.accept("alter", "table"):
		return p.alterTable()
	case p.accept("update"):
		f, err := p.backfill()
		return Statement{Kind: Backfill, Fill: f}, err
	}
	return Statement{}, fmt.Errorf("unsupported statement starting with %q", p.peek().text)
}

func (p *parser) createTable() (*Table, error) {
	name, err := p.name("table")
	if err != nil {
		return nil, err
	}
	t := &Table{Name: name}
	if err := p.expect("("); err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	for {
		if err := p.tableElement(t); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		if p.accept(",") {
			continue
		}
		if err := p.expect(")"); err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		break
	}
	if t.PrimaryKey.Name == "" {
		return nil, fmt.Errorf("table %s: no primary key", name)
	}
	for i, c := range t.Columns {
		for _, k := range t.PrimaryKey.Columns {
			if c.Name == k {
				t.Columns[i].NotNull = true
			}
		}
	}
	if err := t.checkReferences(); err != nil {
		return nil, err
	}
	return t, t.checkOracleKeys()
}

// checkOracleKeys refuses what Oracle refuses in a PRIMARY KEY or UNIQUE constraint: a TIMESTAMP
// WITH TIME ZONE column (ORA-02329; a unique INDEX on it is allowed, Oracle indexes its UTC value),
// and two constraints over the same column list (ORA-02261).
func (t *Table) checkOracleKeys() error {
	keys := append([]Key{t.PrimaryKey}, t.Uniques...)
	seen := map[string]string{}
	for _, k := range keys {
		for _, name := range k.Columns {
			if c, _ := t.Column(name); c.Type.Name == "TIMESTAMP WITH TIME ZONE" {
				return fmt.Errorf("table %s: constraint %s: column %s is TIMESTAMP WITH TIME ZONE, which Oracle refuses in a unique or primary key constraint (ORA-02329); use a unique index", t.Name, k.Name, name)
			}
		}
		list := strings.Join(k.Columns, ",")
		if other, ok := seen[list]; ok {
			return fmt.Errorf("table %s: constraints %s and %s have the same columns (ORA-02261)", t.Name, other, k.Name)
		}
		seen[list] = k.Name
	}
	return nil
}

// checkReferences verifies that every constrained column is declared and names are unique.
func (t *Table) checkReferences() error {
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if seen[c.Name] {
			return fmt.Errorf("table %s: duplicate column %s", t.Name, c.Name)
		}
		seen[c.Name] = true
	}
	lists := [][]string{t.PrimaryKey.Columns}
	for _, u := range t.Uniques {
		lists = append(lists, u.Columns)
	}
	for _, f := range t.ForeignKeys {
		lists = append(lists, f.Columns)
		if len(f.Columns) != len(f.RefColumns) {
			return fmt.Errorf("table %s: foreign key %s: column count differs from referenced columns", t.Name, f.Name)
		}
	}
	for _, l := range lists {
		for _, c := range l {
			if !seen[c] {
				return fmt.Errorf("table %s: constraint on unknown column %s", t.Name, c)
			}
		}
	}
	names := map[string]bool{}
	for _, n := range t.ConstraintNames() {
		if names[n] {
			return fmt.Errorf("table %s: duplicate constraint name %s", t.Name, n)
		}
		names[n] = true
	}
	return nil
}

func (p *parser) tableElement(t *Table) error {
	switch tok := p.peek(); {
	case tok.is("constraint"):
		p.next()
		return p.tableConstraint(t)
	case tok.is("primary"), tok.is("unique"), tok.is("check"), tok.is("foreign"):
		return fmt.Errorf("unnamed %s constraint: name every constraint", strings.ToUpper(tok.text))
	}
	c, pk, err := p.columnDef(&t.Checks)
	if err != nil {
		return err
	}
	if pk.Name != "" {
		if t.PrimaryKey.Name != "" {
			return fmt.Errorf("second primary key %s", pk.Name)
		}
		t.PrimaryKey = pk
	}
	t.Columns = append(t.Columns, c)
	return nil
}

// columnDef parses "name type [identity] [DEFAULT expr] [NOT NULL|NULL] [CONSTRAINT n PRIMARY KEY
// [AUTOINCREMENT]] [CONSTRAINT n CHECK (expr)]..." and returns the column-level primary key, if any;
// column-level CHECK constraints are appended to checks (a SQLite ALTER TABLE ... ADD COLUMN can
// carry its byte-length check only this way).
func (p *parser) columnDef(checks *[]Check) (Column, Key, error) {
	var pk Key
	name, err := p.name("column")
	if err != nil {
		return Column{}, pk, err
	}
	c := Column{Name: name}
	if c.Type, err = p.typ(); err != nil {
		return Column{}, pk, fmt.Errorf("column %s: %w", name, err)
	}
	for {
		switch {
		case p.accept("generated", "by", "default", "on", "null", "as", "identity"),
			p.accept("generated", "by", "default", "as", "identity"),
			p.accept("generated", "always", "as", "identity"):
			c.Identity, c.NotNull = true, true
		case p.accept("default"):
			expr, err := p.expr(func(t token) bool {
				return t.is("not") || t.is("null") || t.is("constraint")
			})
			if err != nil {
				return Column{}, pk, fmt.Errorf("column %s default: %w", name, err)
			}
			c.Default = expr
		case p.accept("not", "null"):
			c.NotNull = true
		case p.accept("null"):
		case p.accept("constraint"):
			cname, err := p.name("constraint")
			if err != nil {
				return Column{}, pk, err
			}
			if p.accept("check") {
				ck, err := p.checkBody(cname)
				if err != nil {
					return Column{}, pk, fmt.Errorf("column %s: %w", name, err)
				}
				*checks = append(*checks, ck)
				continue
			}
			if err := p.expect("primary", "key"); err != nil {
				return Column{}, pk, fmt.Errorf("column %s: only PRIMARY KEY and CHECK may be declared inline: %w", name, err)
			}
			pk = Key{Name: cname, Columns: []string{name}}
			c.NotNull = true
			if p.accept("autoincrement") {
				c.Identity = true
			}
		default:
			if t := p.peek(); !p.done() && t.text != "," && t.text != ")" {
				return Column{}, pk, fmt.Errorf("column %s: unexpected %q", name, t.text)
			}
			return c, pk, nil
		}
	}
}

// typ parses a type name with optional arguments; TIMESTAMP may carry WITH [LOCAL] TIME ZONE.
func (p *parser) typ() (Type, error) {
	t := p.next()
	if t.kind != tokWord {
		return Type{}, fmt.Errorf("expected type, found %q", t.text)
	}
	ty := Type{Name: strings.ToUpper(t.text)}
	if p.accept("(") {
		for {
			n := p.next()
			v, err := strconv.Atoi(n.text)
			if n.kind != tokNumber || err != nil {
				return Type{}, fmt.Errorf("type %s: bad argument %q", ty.Name, n.text)
			}
			ty.Args = append(ty.Args, v)
			if p.accept(",") {
				continue
			}
			if err := p.expect(")"); err != nil {
				return Type{}, fmt.Errorf("type %s: %w", ty.Name, err)
			}
			break
		}
	}
	switch {
	case p.accept("with", "time", "zone"):
		ty.Name += " WITH TIME ZONE"
	case p.accept("with", "local", "time", "zone"):
		ty.Name += " WITH LOCAL TIME ZONE"
	}
	return ty, nil
}

func (p *parser) tableConstraint(t *Table) error {
	name, err := p.name("constraint")
	if err != nil {
		return err
	}
	switch {
	case p.accept("primary", "key"):
		if t.PrimaryKey.Name != "" {
			return fmt.Errorf("second primary key %s", name)
		}
		cols, err := p.nameList()
		if err != nil {
			return fmt.Errorf("constraint %s: %w", name, err)
		}
		t.PrimaryKey = Key{Name: name, Columns: cols}
	case p.accept("unique"):
		cols, err := p.nameList()
		if err != nil {
			return fmt.Errorf("constraint %s: %w", name, err)
		}
		t.Uniques = append(t.Uniques, Key{Name: name, Columns: cols})
	case p.accept("check"):
		ck, err := p.checkBody(name)
		if err != nil {
			return err
		}
		t.Checks = append(t.Checks, ck)
	case p.accept("foreign", "key"):
		fk, err := p.foreignKey(name)
		if err != nil {
			return fmt.Errorf("constraint %s: %w", name, err)
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	default:
		return fmt.Errorf("constraint %s: unsupported kind %q", name, p.peek().text)
	}
	return nil
}

// checkBody parses the parenthesised expression of CHECK constraint name.
func (p *parser) checkBody(name string) (Check, error) {
	if err := p.expect("("); err != nil {
		return Check{}, fmt.Errorf("constraint %s: %w", name, err)
	}
	expr, err := p.expr(func(t token) bool { return t.text == ")" })
	if err != nil {
		return Check{}, fmt.Errorf("constraint %s: %w", name, err)
	}
	if err := p.expect(")"); err != nil {
		return Check{}, fmt.Errorf("constraint %s: %w", name, err)
	}
	return Check{Name: name, Expr: expr}, nil
}

func (p *parser) foreignKey(name string) (ForeignKey, error) {
	fk := ForeignKey{Name: name}
	var err error
	if fk.Columns, err = p.nameList(); err != nil {
		return fk, err
	}
	if err := p.expect("references"); err != nil {
		return fk, err
	}
	if fk.RefTable, err = p.name("table"); err != nil {
		return fk, err
	}
	if fk.RefColumns, err = p.nameList(); err != nil {
		return fk, err
	}
	switch {
	case p.accept("on", "delete", "cascade"):
		fk.OnDelete = "cascade"
	case p.accept("on", "delete", "set", "null"):
		fk.OnDelete = "set null"
	}
	return fk, nil
}

// nameList parses "(a, b, ...)".
func (p *parser) nameList() ([]string, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []string
	for {
		n, err := p.name("column")
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		if p.accept(",") {
			continue
		}
		return out, p.expect(")")
	}
}

// expr consumes tokens up to (not including) a stop token at parenthesis depth 0, or a top-level
// comma or closing parenthesis, and returns them normalised.
func (p *parser) expr(stop func(token) bool) (string, error) {
	start, depth := p.pos, 0
	for !p.done() {
		t := p.peek()
		if depth == 0 && (stop(t) || t.text == "," || t.text == ")") {
			break
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		}
		p.next()
	}
	if depth != 0 {
		return "", errors.New("unbalanced parentheses")
	}
	if p.pos == start {
		return "", fmt.Errorf("expected expression, found %q", p.peek().text)
	}
	return normalize(p.toks[start:p.pos]), nil
}

func (p *parser) createIndex(unique bool) (*Index, error) {
	name, err := p.name("index")
	if err != nil {
		return nil, err
	}
	ix := &Index{Name: name, Unique: unique}
	if err := p.expect("on"); err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	if ix.Table, err = p.name("table"); err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	if err := p.expect("("); err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	for {
		k, err := p.expr(func(token) bool { return false })
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", name, err)
		}
		ix.Keys = append(ix.Keys, k)
		if p.accept(",") {
			continue
		}
		if err := p.expect(")"); err != nil {
			return nil, fmt.Errorf("index %s: %w", name, err)
		}
		break
	}
	if p.accept("where") {
		start := p.pos
		p.pos = len(p.toks)
		ix.Where = normalize(p.toks[start:])
	}
	return ix, nil
}

func (p *parser) createView() (*View, error) {
	name, err := p.name("view")
	if err != nil {
		return nil, err
	}
	if err := p.expect("as"); err != nil {
		return nil, fmt.Errorf("view %s: %w", name, err)
	}
	start := p.pos
	p.pos = len(p.toks)
	if start == p.pos {
		return nil, fmt.Errorf("view %s: empty query", name)
	}
	return &View{Name: name, Query: normalize(p.toks[start:])}, nil
}
