package db

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/octo-drone-shop/serverless/shared/sqlid"
)

// stmt is everything derived from a statement text, computed once and cached: the text to run on this
// dialect, the SQL_ID of the Oracle text, the span name and the constant span and metric attributes.
type stmt struct {
	oracle    string // the statement as written (Oracle syntax): what ATP receives
	text      string // what runs on this database
	err       error  // translation failure, returned by every execution
	sqlID     string
	op, table string
	name      string // span name: the db.query.summary, e.g. "SELECT products"
	intoBinds int    // binds after RETURNING ... INTO
	batch     *batchInsert
	counts    stmtCounts // this process's executions of the statement (Statements)

	spanAttrs   []attribute.KeyValue // constant span attributes, set when the statement ends
	metricAttrs []attribute.KeyValue
	metricOpt   metric.RecordOption
}

// stmtCache maps statement text to *stmt. It is bounded: past max entries new texts
// are analysed on every execution instead of being remembered.
type stmtCache struct {
	m   sync.Map
	n   atomic.Int64
	max int64
}

// stmt returns the cached analysis of query.
func (d *DB) stmt(query string) *stmt {
	if v, ok := d.stmts.m.Load(query); ok {
		return v.(*stmt)
	}
	st := d.analyse(query)
	if d.stmts.n.Load() < d.stmts.max {
		if v, loaded := d.stmts.m.LoadOrStore(query, st); loaded {
			return v.(*stmt)
		}
		d.stmts.n.Add(1)
		d.logStatement(query)
	}
	return st
}

// logStatement appends query to the statement log, if there is one. Failing to log never fails the
// statement: the log only serves the test suite's coverage check.
func (d *DB) logStatement(query string) {
	if d.stmtLog == nil {
		return
	}
	line, err := json.Marshal(query)
	if err != nil {
		return
	}
	d.stmtLogMu.Lock()
	defer d.stmtLogMu.Unlock()
	_, _ = d.stmtLog.Write(append(line, '\n'))
}

// Attribute keys beyond the OpenTelemetry semantic conventions. DbOracleSqlId and DbStatement are
// the names OCI APM reads for its drill-down into DB Management; the oracle.* keys record the session
// tags the statement ran with (on SQLite: the tags ATP would have received).
const (
	keySQLID            = attribute.Key("DbOracleSqlId")
	keyStatement        = attribute.Key("DbStatement")
	keyModule           = attribute.Key("oracle.module")
	keyAction           = attribute.Key("oracle.action")
	keyClientIdentifier = attribute.Key("oracle.client_identifier")
	keyClientInfo       = attribute.Key("oracle.client_info")
	// keyAffectedRows carries the rows a DML statement changed; db.response.returned_rows is kept for
	// rows a statement returns, as the conventions define it.
	keyAffectedRows = attribute.Key("db.response.affected_rows")
)

func (d *DB) analyse(query string) *stmt {
	toks := lex(query)
	st := &stmt{oracle: query, text: query, sqlID: sqlid.Of(query)}
	st.op, st.table = summarize(toks)
	st.name = st.op
	if st.table != "" {
		st.name = st.op + " " + st.table
	}
	st.intoBinds = intoBinds(toks)
	if d.dialect == SQLite {
		out, err := translate(toks)
		if err != nil {
			st.err = err
		} else {
			st.text = join(out)
			st.batch = batchShape(out)
		}
	}

	base := []attribute.KeyValue{d.system, semconv.DBOperationName(st.op)}
	if d.namespace != "" {
		base = append(base, semconv.DBNamespace(d.namespace))
	}
	if st.table != "" {
		base = append(base, semconv.DBCollectionName(st.table))
	}
	st.metricAttrs = base
	st.metricOpt = metric.WithAttributeSet(attribute.NewSet(base...))
	st.spanAttrs = append(base[:len(base):len(base)],
		semconv.DBQueryText(query),
		keyStatement.String(query),
		keySQLID.String(st.sqlID),
		keyModule.String(d.module),
		keyClientInfo.String(d.clientInfo),
	)
	return st
}

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

// batchInsert is the SQLite multi-row form of INSERT ... VALUES (tuple): the text up to VALUES and the
// tuple split around its binds so row r's copy can be numbered from r*binds+1.
type batchInsert struct {
	prefix string   // "INSERT INTO t (a, b) VALUES "
	parts  []string // tuple text between binds: len(nums)+1 parts
	nums   []int    // bind number of each placeholder in the tuple
	binds  int      // binds per row
}

// batchShape recognises a translated INSERT ... VALUES (...) with nothing after the tuple.
func batchShape(toks []token) *batchInsert {
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
	b := &batchInsert{prefix: join(toks[:v+1]) + " ", binds: placeholders(toks[open : end+1])}
	var part strings.Builder
	for _, t := range toks[open : end+1] {
		if t.kind == tokBind && t.text[0] == '?' {
			n, ok := atoi(t.text[1:])
			if !ok {
				return nil
			}
			b.parts = append(b.parts, part.String())
			b.nums = append(b.nums, n)
			part.Reset()
			continue
		}
		part.WriteString(t.text)
	}
	b.parts = append(b.parts, part.String())
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
