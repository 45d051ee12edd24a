package sqltext

import (
	"fmt"
	"strings"
)

// duplicateOutputColumn returns a column name the top-level select list of a SELECT yields twice, or
// "". Oracle runs a query with a row limiting clause (FETCH FIRST, OFFSET) as an inline view over
// its select list, where two columns of one name are ambiguous (ORA-00918: o.status and s.status
// both named STATUS); SQLite's LIMIT does not care, so the translation refuses such a statement to
// make the defect fail locally too. A column's name is its alias or its last identifier; an
// expression ending in anything else (COUNT(*)) gets a generated name and is not compared.
func duplicateOutputColumn(toks []token) string {
	start := nextSig(toks, 0)
	if start == len(toks) || !toks[start].is("SELECT") {
		return ""
	}
	end := topLevel(toks, start+1, "FROM")
	if end < 0 {
		end = len(toks)
	}
	seen := map[string]bool{}
	for _, item := range splitTop(toks[start+1:end], isComma) {
		item = trim(item)
		if len(item) == 0 {
			continue
		}
		last := item[len(item)-1]
		if last.kind != tokWord || last.is("DISTINCT") {
			continue
		}
		name := strings.ToLower(strings.Trim(last.text, `"`))
		if seen[name] {
			return name
		}
		seen[name] = true
	}
	return ""
}

// checkRowLimit is called when the statement has a top-level row limiting clause.
func checkRowLimit(toks []token) error {
	if name := duplicateOutputColumn(toks); name != "" {
		return fmt.Errorf("db: the select list yields two columns named %s under a row limiting clause: Oracle answers ORA-00918 (alias them)", name)
	}
	return nil
}
