package ddl

import "fmt"

// alterTable parses ALTER TABLE t ADD ..., ALTER TABLE t ADD CONSTRAINT c CHECK (...) and
// ALTER TABLE t MODIFY (...).
func (p *parser) alterTable() (Statement, error) {
	name, err := p.name("table")
	if err != nil {
		return Statement{}, err
	}
	if p.accept("add", "constraint") {
		t, err := p.alterTableCheck(name)
		return Statement{Kind: AlterTableCheck, Table: t}, err
	}
	if p.accept("modify") {
		t, err := p.alterTableModify(name)
		return Statement{Kind: AlterTableModify, Table: t}, err
	}
	t, err := p.alterTableAdd(name)
	return Statement{Kind: AlterTableAdd, Table: t}, err
}

// alterTableModify parses Oracle "ALTER TABLE t MODIFY (col VARCHAR2(n), ...)": only a column's
// type, which Schema.Apply accepts only as a widening of a VARCHAR2 (never a loss of data).
func (p *parser) alterTableModify(name string) (*Table, error) {
	t := &Table{Name: name}
	if err := p.expect("("); err != nil {
		return nil, fmt.Errorf("alter table %s modify: %w", name, err)
	}
	for {
		col, err := p.name("column")
		if err != nil {
			return nil, fmt.Errorf("alter table %s modify: %w", name, err)
		}
		ty, err := p.typ()
		if err != nil {
			return nil, fmt.Errorf("alter table %s modify %s: %w", name, col, err)
		}
		t.Columns = append(t.Columns, Column{Name: col, Type: ty})
		if p.accept(",") {
			continue
		}
		return t, p.expect(")")
	}
}

// alterTableAdd parses Oracle "ALTER TABLE t ADD (col, ...)" and SQLite "ALTER TABLE t ADD [COLUMN] col".
func (p *parser) alterTableAdd(name string) (*Table, error) {
	if err := p.expect("add"); err != nil {
		return nil, fmt.Errorf("alter table %s: only ADD and MODIFY are supported: %w", name, err)
	}
	t := &Table{Name: name}
	if !p.accept("(") {
		p.accept("column")
		c, pk, err := p.columnDef(&t.Checks)
		if err != nil {
			return nil, fmt.Errorf("alter table %s: %w", name, err)
		}
		if pk.Name != "" {
			return nil, fmt.Errorf("alter table %s: cannot add a primary key column", name)
		}
		t.Columns = append(t.Columns, c)
		return t, nil
	}
	for {
		c, pk, err := p.columnDef(&t.Checks)
		if err != nil {
			return nil, fmt.Errorf("alter table %s: %w", name, err)
		}
		if pk.Name != "" {
			return nil, fmt.Errorf("alter table %s: cannot add a primary key column", name)
		}
		t.Columns = append(t.Columns, c)
		if p.accept(",") {
			continue
		}
		return t, p.expect(")")
	}
}

// alterTableCheck parses "ALTER TABLE t ADD CONSTRAINT c CHECK (expr)" after ADD CONSTRAINT: the
// table's CHECK named c becomes expr, added when the table has none of that name and replaced when it
// has. A CHECK only restricts which rows are allowed, so replacing one loses no data; the migrator
// validates the existing rows against the new condition before the old one goes (see package
// migrate). Only CHECK constraints can be set this way: keys and foreign keys stay in CREATE TABLE.
func (p *parser) alterTableCheck(name string) (*Table, error) {
	cname, err := p.name("constraint")
	if err != nil {
		return nil, fmt.Errorf("alter table %s add constraint: %w", name, err)
	}
	if err := p.expect("check"); err != nil {
		return nil, fmt.Errorf("alter table %s add constraint %s: only CHECK constraints can be added or replaced: %w", name, cname, err)
	}
	ck, err := p.checkBody(cname)
	if err != nil {
		return nil, fmt.Errorf("alter table %s: %w", name, err)
	}
	return &Table{Name: name, Checks: []Check{ck}}, nil
}
