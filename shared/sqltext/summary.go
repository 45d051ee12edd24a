package sqltext

import (
	"strconv"
	"strings"
)

// summarize returns the operation (SELECT, INSERT, ...) and the main table of a statement: the first
// table after FROM (SELECT, DELETE), INTO (INSERT, MERGE) or UPDATE, at the statement's own level. A
// WITH statement is summarised by its main statement.
func summarize(toks []token) (op, table string) {
	i := nextSig(toks, 0)
	if i == len(toks) {
		return "", ""
	}
	op = strings.ToUpper(toks[i].text)
	if op == "WITH" {
		depth := 0
		for j := i + 1; j < len(toks); j++ {
			t := toks[j]
			switch {
			case t.punct('('):
				depth++
			case t.punct(')'):
				depth--
			case depth == 0 && (t.is("SELECT") || t.is("INSERT") || t.is("UPDATE") || t.is("DELETE") || t.is("MERGE")):
				i, op = j, strings.ToUpper(t.text)
				j = len(toks)
			}
		}
	}
	switch op {
	case "SELECT", "DELETE":
		if j := topLevel(toks, i+1, "FROM"); j >= 0 {
			return op, tableAt(toks, j+1)
		}
		if op == "DELETE" {
			return op, tableAt(toks, i+1)
		}
	case "INSERT", "MERGE":
		if j := topLevel(toks, i+1, "INTO"); j >= 0 {
			return op, tableAt(toks, j+1)
		}
	case "UPDATE":
		return op, tableAt(toks, i+1)
	}
	return op, ""
}

// topLevel returns the index of the first keyword kw at parenthesis depth 0 from i, or -1.
func topLevel(toks []token, i int, kw string) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch t := toks[i]; {
		case t.punct('('):
			depth++
		case t.punct(')'):
			depth--
		case depth == 0 && t.is(kw):
			return i
		}
	}
	return -1
}

// tableAt returns the (possibly schema-qualified) name at the next significant token, or "" when it
// is not a name (a subquery).
func tableAt(toks []token, i int) string {
	c := cursor{toks: toks, i: i}
	if t, ok := c.peek(); !ok || t.kind == tokWord && isKeyword(t) {
		return ""
	}
	return strings.Trim(c.name(), `"`)
}

func isKeyword(t token) bool {
	for _, kw := range [...]string{"SELECT", "WHERE", "SET", "VALUES", "LATERAL"} {
		if t.is(kw) {
			return true
		}
	}
	return false
}

// intoBinds counts the binds after a top-level RETURNING ... INTO.
func intoBinds(toks []token) int {
	r := topLevel(toks, 0, "RETURNING")
	if r < 0 {
		return 0
	}
	into := topLevel(toks, r+1, "INTO")
	if into < 0 {
		return 0
	}
	n := 0
	for _, t := range toks[into+1:] {
		if t.kind == tokBind {
			n++
		}
	}
	return n
}

// BatchInsert is the SQLite multi-row form of INSERT ... VALUES (tuple): the text up to VALUES and the
// tuple split around its binds so row r's copy can be numbered from r*binds+1.
type BatchInsert struct {
	Prefix string   // "INSERT INTO t (a, b) VALUES "
	Parts  []string // tuple text between binds: len(Nums)+1 parts
	Nums   []int    // bind number of each placeholder in the tuple
	Binds  int      // binds per row
}

// batchShape recognises a translated INSERT ... VALUES (...) with nothing after the tuple.
func batchShape(toks []token) *BatchInsert {
	i := nextSig(toks, 0)
	if i == len(toks) || !toks[i].is("INSERT") {
		return nil
	}
	v := topLevel(toks, i+1, "VALUES")
	if v < 0 {
		return nil
	}
	open := nextSig(toks, v+1)
	if open == len(toks) || !toks[open].punct('(') {
		return nil
	}
	end := matchParen(toks, open)
	if end < 0 || nextSig(toks, end+1) != len(toks) {
		return nil
	}
	b := &BatchInsert{Prefix: join(toks[:v+1]) + " ", Binds: placeholders(toks[open : end+1])}
	var part strings.Builder
	for _, t := range toks[open : end+1] {
		if t.kind == tokBind && t.text[0] == '?' {
			n, ok := atoi(t.text[1:])
			if !ok {
				return nil
			}
			b.Parts = append(b.Parts, part.String())
			b.Nums = append(b.Nums, n)
			part.Reset()
			continue
		}
		part.WriteString(t.text)
	}
	b.Parts = append(b.Parts, part.String())
	return b
}

func atoi(s string) (int, bool) {
	if !isNumber(s) || len(s) > 6 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// placeholders returns the highest ?N in toks (the bind count of a translated tuple).
func placeholders(toks []token) int {
	n := 0
	for _, t := range toks {
		if t.kind == tokBind && t.text[0] == '?' {
			if v, err := strconv.Atoi(t.text[1:]); err == nil && v > n {
				n = v
			}
		}
	}
	return n
}

// Text returns the multi-row statement for rows rows: the tuple repeated, binds renumbered from
// r*Binds+1 for row r.
func (b *BatchInsert) Text(rows int) string {
	var sb strings.Builder
	sb.WriteString(b.Prefix)
	for r := range rows {
		if r > 0 {
			sb.WriteString(", ")
		}
		for i, num := range b.Nums {
			sb.WriteString(b.Parts[i])
			sb.WriteByte('?')
			sb.WriteString(strconv.Itoa(r*b.Binds + num))
		}
		sb.WriteString(b.Parts[len(b.Parts)-1])
	}
	return sb.String()
}
