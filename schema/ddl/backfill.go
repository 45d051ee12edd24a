package ddl

import "fmt"

// Fill is a backfill: the NULLs of Table.Column get the value of an expression of the row (Expr, as
// normalised text). It is how a migration gives the existing rows of a new column a value before a
// CHECK makes the column required.
type Fill struct {
	Table  string
	Column string
	Expr   string
}

// backfill parses "UPDATE t SET c = expr WHERE c IS NULL" after UPDATE. Only this shape is accepted:
// it touches no value a row already has (so it loses nothing), and a second run finds no NULL left
// and changes nothing (so a rerun after a failure half-way is safe).
func (p *parser) backfill() (*Fill, error) {
	table, err := p.name("table")
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if err := p.expect("set"); err != nil {
		return nil, fmt.Errorf("update %s: %w", table, err)
	}
	col, err := p.name("column")
	if err != nil {
		return nil, fmt.Errorf("update %s: %w", table, err)
	}
	if err := p.expect("="); err != nil {
		return nil, fmt.Errorf("update %s: %w", table, err)
	}
	start, depth := p.pos, 0
	for !p.done() && (depth > 0 || !p.peek().is("where")) {
		switch p.next().text {
		case "(":
			depth++
		case ")":
			depth--
		}
	}
	if p.pos == start || depth != 0 {
		return nil, fmt.Errorf("update %s: set %s needs a value expression", table, col)
	}
	expr := normalize(p.toks[start:p.pos])
	if err := p.expect("where"); err != nil {
		return nil, fmt.Errorf("update %s: only a backfill (WHERE %s IS NULL) is allowed: %w", table, col, err)
	}
	if w, err := p.name("column"); err != nil || w != col || !p.accept("is", "null") {
		return nil, fmt.Errorf("update %s: only a backfill (WHERE %s IS NULL) is allowed", table, col)
	}
	return &Fill{Table: table, Column: col, Expr: expr}, nil
}
