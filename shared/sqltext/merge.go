package sqltext

import (
	"errors"
	"fmt"
	"strings"
)

// errMergeShape reports a MERGE outside the supported shape.
var errMergeShape = errors.New("MERGE is not in the supported single-row upsert shape")

// mergeToUpsert rewrites the canonical MERGE (see Translate) into SQLite's upsert.
func mergeToUpsert(toks []token) ([]token, error) {
	c := cursor{toks: toks}
	if !c.keywords("MERGE", "INTO") {
		return nil, errMergeShape
	}
	table, talias := c.name(), ""
	if table == "" {
		return nil, fmt.Errorf("%w: target table expected after MERGE INTO", errMergeShape)
	}
	if t, ok := c.peek(); ok && t.kind == tokWord && !t.is("USING") {
		talias = t.text
		c.next()
	}
	qual := talias
	if qual == "" {
		qual = table
	}
	if !c.keywords("USING") {
		return nil, fmt.Errorf("%w: USING expected", errMergeShape)
	}
	source, ok := c.group()
	if !ok {
		return nil, fmt.Errorf("%w: USING must be a parenthesised SELECT", errMergeShape)
	}
	salias := ""
	if t, ok := c.peek(); ok && t.kind == tokWord && !t.is("ON") {
		salias = t.text
		c.next()
	}
	if salias == "" {
		return nil, fmt.Errorf("%w: the USING subquery needs an alias", errMergeShape)
	}
	if !c.keywords("ON") {
		return nil, fmt.Errorf("%w: ON expected", errMergeShape)
	}
	on, ok := c.group()
	if !ok {
		return nil, fmt.Errorf("%w: ON (...) expected", errMergeShape)
	}
	var sets, where []token
	matched := c.keywords("WHEN", "MATCHED", "THEN", "UPDATE", "SET")
	if matched {
		sets = c.until(func(t token) bool { return t.is("WHEN") || t.is("WHERE") })
		if c.keywords("WHERE") {
			where = c.until(func(t token) bool { return t.is("WHEN") })
		}
	}
	if !c.keywords("WHEN", "NOT", "MATCHED", "THEN", "INSERT") {
		return nil, fmt.Errorf("%w: WHEN NOT MATCHED THEN INSERT expected", errMergeShape)
	}
	cols, ok := c.group()
	if !ok || !c.keywords("VALUES") {
		return nil, fmt.Errorf("%w: INSERT (columns) VALUES expected", errMergeShape)
	}
	vals, ok := c.group()
	if !ok {
		return nil, fmt.Errorf("%w: VALUES (...) expected", errMergeShape)
	}
	if _, more := c.peek(); more {
		return nil, fmt.Errorf("%w: unexpected text after VALUES (...)", errMergeShape)
	}

	colList := splitTop(inner(cols), isComma)
	valList := splitTop(inner(vals), isComma)
	if len(colList) != len(valList) {
		return nil, fmt.Errorf("%w: %d columns but %d values", errMergeShape, len(colList), len(valList))
	}
	excluded := make(map[string]string, len(colList))
	colNames := make([]string, len(colList))
	for i := range colList {
		colNames[i] = expr(stripQualifier(colList[i], qual))
		if v := trim(valList[i]); len(v) == 3 && v[0].kind == tokWord && strings.EqualFold(v[0].text, salias) && v[1].punct('.') {
			excluded[strings.ToLower(v[2].text)] = "excluded." + colNames[i]
		}
	}

	var conflict []string
	for _, eq := range splitTop(inner(on), func(t token) bool { return t.is("AND") }) {
		sides := splitTop(eq, func(t token) bool { return t.punct('=') })
		if len(sides) != 2 {
			return nil, fmt.Errorf("%w: ON must be equalities joined by AND", errMergeShape)
		}
		target := sides[0]
		if refersTo(sides[1], qual) {
			target = sides[1]
		}
		if !refersTo(target, qual) {
			return nil, fmt.Errorf("%w: each ON equality needs a %s.column side", errMergeShape, qual)
		}
		conflict = append(conflict, expr(stripQualifier(target, qual)))
	}

	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	if talias != "" {
		b.WriteString(" AS ")
		b.WriteString(talias)
	}
	b.WriteString(" (")
	b.WriteString(strings.Join(colNames, ", "))
	b.WriteString(") SELECT ")
	for i, v := range valList {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(expr(v))
	}
	b.WriteString(" FROM ")
	b.WriteString(expr(source))
	b.WriteString(" AS ")
	b.WriteString(salias)
	b.WriteString(" WHERE true ON CONFLICT (")
	b.WriteString(strings.Join(conflict, ", "))
	b.WriteString(")")
	if !matched {
		b.WriteString(" DO NOTHING")
		return lex(b.String()), nil
	}
	b.WriteString(" DO UPDATE SET ")
	for i, a := range splitTop(sets, isComma) {
		sides := splitTop(a, func(t token) bool { return t.punct('=') })
		if len(sides) != 2 {
			return nil, fmt.Errorf("%w: SET items must be column = expression", errMergeShape)
		}
		rhs, err := toExcluded(sides[1], salias, excluded)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(expr(stripQualifier(sides[0], qual)))
		b.WriteString(" = ")
		b.WriteString(expr(rhs))
	}
	if where != nil {
		cond, err := toExcluded(where, salias, excluded)
		if err != nil {
			return nil, err
		}
		b.WriteString(" WHERE ")
		b.WriteString(expr(cond))
	}
	return lex(b.String()), nil
}

// inner returns the tokens inside a parenthesised group.
func inner(group []token) []token { return group[1 : len(group)-1] }

// expr renders an expression's tokens without surrounding white space.
func expr(toks []token) string { return join(trim(toks)) }

// refersTo reports whether toks contain "qual.".
func refersTo(toks []token, qual string) bool {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind == tokWord && strings.EqualFold(toks[i].text, qual) && toks[i+1].punct('.') {
			return true
		}
	}
	return false
}

// stripQualifier drops every "qual." prefix.
func stripQualifier(toks []token, qual string) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		if i+1 < len(toks) && toks[i].kind == tokWord && strings.EqualFold(toks[i].text, qual) && toks[i+1].punct('.') {
			i++
			continue
		}
		out = append(out, toks[i])
	}
	return out
}

// toExcluded rewrites salias.x to the excluded column x is inserted into.
func toExcluded(toks []token, salias string, excluded map[string]string) ([]token, error) {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		if i+2 < len(toks) && toks[i].kind == tokWord && strings.EqualFold(toks[i].text, salias) && toks[i+1].punct('.') {
			col := toks[i+2].text
			repl, ok := excluded[strings.ToLower(col)]
			if !ok {
				return nil, fmt.Errorf("%w: %s.%s is used in UPDATE but not inserted as a plain value", errMergeShape, salias, col)
			}
			out = append(out, token{kind: tokWord, text: repl})
			i += 2
			continue
		}
		out = append(out, toks[i])
	}
	return out, nil
}

// cursor walks the significant tokens of a statement.
type cursor struct {
	toks []token
	i    int
}

func (c *cursor) peek() (token, bool) {
	j := nextSig(c.toks, c.i)
	if j == len(c.toks) {
		return token{}, false
	}
	return c.toks[j], true
}

func (c *cursor) next() { c.i = nextSig(c.toks, c.i) + 1 }

// keywords consumes the keyword sequence kws if it comes next; otherwise it consumes nothing.
func (c *cursor) keywords(kws ...string) bool {
	j := c.i
	for _, kw := range kws {
		j = nextSig(c.toks, j)
		if j == len(c.toks) || !c.toks[j].is(kw) {
			return false
		}
		j++
	}
	c.i = j
	return true
}

// name consumes a possibly schema-qualified table name.
func (c *cursor) name() string {
	t, ok := c.peek()
	if !ok || (t.kind != tokWord && t.kind != tokQuoted) {
		return ""
	}
	c.next()
	n := t.text
	for {
		dot, ok := c.peek()
		if !ok || !dot.punct('.') {
			return n
		}
		c.next()
		part, ok := c.peek()
		if !ok {
			return n
		}
		c.next()
		n += "." + part.text
	}
}

// group consumes a parenthesised group and returns it with its parentheses.
func (c *cursor) group() ([]token, bool) {
	j := nextSig(c.toks, c.i)
	if j == len(c.toks) || !c.toks[j].punct('(') {
		return nil, false
	}
	end := matchParen(c.toks, j)
	if end < 0 {
		return nil, false
	}
	c.i = end + 1
	return c.toks[j : end+1], true
}

// until consumes tokens up to (not including) the first significant top-level token stop accepts.
func (c *cursor) until(stop func(token) bool) []token {
	start, depth := c.i, 0
	for ; c.i < len(c.toks); c.i++ {
		t := c.toks[c.i]
		switch {
		case t.punct('('):
			depth++
		case t.punct(')'):
			depth--
		case depth == 0 && stop(t):
			return c.toks[start:c.i]
		}
	}
	return c.toks[start:]
}
