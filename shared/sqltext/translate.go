package sqltext

import (
	"fmt"
	"strings"
)

// Translate returns the SQLite form of a statement written in Oracle syntax. The rules, applied to
// tokens so string literals, quoted identifiers and comments are never touched:
//
//	:N                                      ?N (modernc would read :1 as a parameter named "1"); a :N
//	                                        written twice is refused (see repeatedBind)
//	SYSTIMESTAMP                            strftime('%Y-%m-%dT%H:%M:%fZ','now') (sqlite.TimeFormat)
//	FROM DUAL                               removed (SQLite selects without FROM)
//	FETCH FIRST|NEXT n ROW|ROWS ONLY        LIMIT n (refused when the select list names a column twice:
//	                                        ORA-00918 on Oracle, see duplicateOutputColumn)
//	OFFSET m ROW|ROWS [FETCH ... n ...]     LIMIT n OFFSET m (LIMIT -1 OFFSET m without FETCH)
//	RETURNING cols INTO :N...               RETURNING cols (the value comes back as a result row)
//	FOR UPDATE [OF ...] [NOWAIT|WAIT n|SKIP LOCKED]  removed: SQLite's BEGIN IMMEDIATE locks the database
//	MERGE (one canonical shape, see below)  INSERT ... ON CONFLICT (...) DO UPDATE SET ... | DO NOTHING
//
// The MERGE shape is the single-row upsert:
//
//	MERGE INTO t [ta] USING (SELECT :1 AS a, ... FROM dual) s ON (ta.k = s.k [AND ...])
//	[WHEN MATCHED THEN UPDATE SET ta.c = <expr>, ... [WHERE <cond>]]
//	WHEN NOT MATCHED THEN INSERT (k, c, ...) VALUES (s.k, s.c, ...)
//
// which becomes
//
//	INSERT INTO t AS ta (k, c, ...) SELECT s.k, s.c, ... FROM (SELECT ?1 AS a, ...) AS s WHERE true
//	ON CONFLICT (k [, ...]) DO UPDATE SET c = <expr>, ... [WHERE <cond>]
//
// with s.x in the UPDATE part rewritten to excluded.<the column s.x is inserted into> (SQLite cannot
// see the source there), so every s.x the UPDATE uses must also be inserted as a plain value. The
// target side of each ON equality is the conflict target: a unique index on exactly those columns or
// expressions must exist in both schemas.
//
// Everything else is passed through unchanged; the SQL we write sticks to the common subset (COALESCE
// rather than NVL, cutoff timestamps computed in Go and bound rather than interval arithmetic, ”-escaped
// literals rather than Oracle's q'[...]' quoting). Named binds (:name) are left as they are.
func Translate(oracle string) (string, error) {
	toks, err := translate(lex(oracle))
	if err != nil {
		return "", err
	}
	return join(toks), nil
}

// translate applies the rules above to a token stream.
func translate(toks []token) ([]token, error) {
	out := make([]token, 0, len(toks))
	depth := 0
	returning := false
	var binds []string // the :N seen so far
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.punct('('):
			depth++
		case t.punct(')'):
			depth--
		case t.kind == tokBind && isNumber(t.text[1:]):
			for _, b := range binds {
				if b == t.text {
					return nil, repeatedBind(t.text)
				}
			}
			binds = append(binds, t.text)
			out = append(out, token{kind: tokBind, text: "?" + t.text[1:]})
			continue
		case t.is("SYSTIMESTAMP"):
			out = append(out, token{kind: tokWord, text: NowSQL})
			continue
		case t.is("FROM"):
			if j := nextSig(toks, i+1); j < len(toks) && toks[j].is("DUAL") {
				if k := nextSig(toks, j+1); k == len(toks) || !toks[k].punct('.') {
					out = trimRight(out)
					i = j
					continue
				}
			}
		case t.is("FETCH") || t.is("OFFSET"):
			if limit, end, ok := rowLimit(toks, i); ok {
				if depth == 0 {
					if err := checkRowLimit(toks); err != nil {
						return nil, err
					}
				}
				out = append(trimRight(out), token{kind: tokSpace, text: " "}, token{kind: tokWord, text: limit})
				i = end - 1
				continue
			}
		case depth == 0 && t.is("RETURNING"):
			returning = true
		case depth == 0 && returning && t.is("INTO"):
			return dropTail(out, toks[i:])
		case depth == 0 && t.is("FOR"):
			if j := nextSig(toks, i+1); j < len(toks) && toks[j].is("UPDATE") {
				return dropTail(out, toks[i:])
			}
		}
		out = append(out, t)
	}
	if j := nextSig(out, 0); j < len(out) && out[j].is("MERGE") {
		return mergeToUpsert(out)
	}
	return out, nil
}

// repeatedBind is the error for a statement that writes :N twice. In a SQL statement Oracle binds
// positional values to placeholder occurrences, not names: "WHERE a >= :1 AND b >= :1" takes two
// values (ORA-01008 with one), where SQLite's ?1 takes one value for both. The twin refuses it, so the
// mistake fails here: write :1 and :2 and pass the value twice.
func repeatedBind(bind string) error {
	return fmt.Errorf("db: %s appears twice: Oracle binds each occurrence of a placeholder by position (ORA-01008); number every occurrence and pass its value again", bind)
}

// dropTail ends the translation out before tail (INTO :N, ... or FOR UPDATE ...), which holds
// nothing SQLite needs. A string literal there is refused: no such clause has one, so the statement
// is malformed, and dropping it would silently change what the statement says.
func dropTail(out, tail []token) ([]token, error) {
	for _, t := range tail {
		if t.kind == tokString {
			return nil, fmt.Errorf("db: translate: string literal %s after %s", t.text, strings.ToUpper(tail[0].text))
		}
	}
	return trimRight(out), nil
}

// rowLimit matches Oracle's row limiting clause starting at toks[i] (OFFSET or FETCH) and returns the
// SQLite LIMIT clause and the index after the match.
func rowLimit(toks []token, i int) (string, int, bool) {
	offset, count := "", ""
	j := nextSig(toks, i)
	if toks[j].is("OFFSET") {
		v, end, ok := matchRows(toks, j+1)
		if !ok {
			return "", 0, false
		}
		offset, j = v, end
		if k := nextSig(toks, j); k < len(toks) && toks[k].is("FETCH") {
			j = k
		}
	}
	if j < len(toks) && toks[j].is("FETCH") {
		k := nextSig(toks, j+1)
		if k == len(toks) || !(toks[k].is("FIRST") || toks[k].is("NEXT")) {
			return "", 0, false
		}
		v, end, ok := matchRows(toks, k+1)
		if !ok {
			return "", 0, false
		}
		k = nextSig(toks, end)
		if k == len(toks) || !toks[k].is("ONLY") {
			return "", 0, false
		}
		count, j = v, k+1
	}
	switch {
	case count != "" && offset != "":
		return "LIMIT " + count + " OFFSET " + offset, j, true
	case count != "":
		return "LIMIT " + count, j, true
	case offset != "":
		return "LIMIT -1 OFFSET " + offset, j, true
	}
	return "", 0, false
}

// matchRows matches "<number or bind> ROW|ROWS" and returns the (translated) value.
func matchRows(toks []token, i int) (string, int, bool) {
	v := nextSig(toks, i)
	if v == len(toks) || (toks[v].kind != tokNumber && toks[v].kind != tokBind) {
		return "", 0, false
	}
	r := nextSig(toks, v+1)
	if r == len(toks) || !(toks[r].is("ROW") || toks[r].is("ROWS")) {
		return "", 0, false
	}
	val := toks[v].text
	if toks[v].kind == tokBind && isNumber(val[1:]) {
		val = "?" + val[1:]
	}
	return val, r + 1, true
}

// trimRight drops trailing white space and comments from out.
func trimRight(out []token) []token {
	for len(out) > 0 && !out[len(out)-1].significant() {
		out = out[:len(out)-1]
	}
	return out
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
