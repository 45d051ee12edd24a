// Package sqltext reads SQL text written in Oracle syntax: a lexer that gives its input back exactly,
// the summary spans are named by (operation and main table), the binds of RETURNING ... INTO, and the
// mechanical translation to SQLite the embedded database's dialect (package sqlite) runs. It imports
// no driver, so every build can link it.
package sqltext

// NowSQL is the SQLite expression for the current time in the embedded database's canonical text form
// (sqlite.TimeFormat): what SYSTIMESTAMP becomes.
const NowSQL = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

// Summary is what instrumentation needs from a statement text.
type Summary struct {
	Op        string // SELECT, INSERT, UPDATE, DELETE, MERGE, BEGIN, ...
	Table     string // the main table, "" when there is none (a subquery)
	IntoBinds int    // binds after a top-level RETURNING ... INTO
}

// Summarize returns the operation, main table and RETURNING ... INTO binds of query.
func Summarize(query string) Summary {
	toks := lex(query)
	op, table := summarize(toks)
	return Summary{Op: op, Table: table, IntoBinds: intoBinds(toks)}
}

// Translation is a statement's SQLite form.
type Translation struct {
	Text  string
	Batch *BatchInsert // the multi-row form for array DML, nil when the statement is not INSERT ... VALUES (tuple)
}

// TranslateStatement returns Translate's text and the statement's multi-row insert shape.
func TranslateStatement(oracle string) (Translation, error) {
	toks, err := translate(lex(oracle))
	if err != nil {
		return Translation{}, err
	}
	return Translation{Text: join(toks), Batch: batchShape(toks)}, nil
}

// ErrMergeShape reports a MERGE outside the one shape Translate supports.
var ErrMergeShape = errMergeShape
