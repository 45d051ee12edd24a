package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/codes"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// countingDialect is SQLite's dialect with Oracle's session behaviour recorded: SetIdentifier has a
// CLIENT_IDENTIFIER (it returns true, as Oracle's does) and records each call with the connection it
// ran on, Tag records the tags a statement was sent with, InsertReturningID records its binds. It
// shows what package db asks of the Oracle dialect without an Oracle database.
type countingDialect struct {
	dialect.Dialect
	name string

	mu        sync.Mutex
	idents    []identCall
	tags      []dialect.Tags
	returning [][]driver.NamedValue
	failNext  bool // the next SetIdentifier fails
}

type identCall struct {
	conn  dialect.Conn
	ident string
}

var countingDialects atomic.Int64

// newCountingFixture registers a fresh countingDialect (the registry has no Unregister, so each test
// gets its own name) and opens a fixture on it.
func newCountingFixture(t *testing.T) (*fixture, *countingDialect) {
	t.Helper()
	cd := &countingDialect{Dialect: sqlite.Dialect, name: fmt.Sprintf("sqlite-counting-%d", countingDialects.Add(1))}
	dialect.Register(cd)
	return newFixtureOn(t, cd.name), cd
}

func (d *countingDialect) Name() string { return d.name }

func (d *countingDialect) SetIdentifier(_ context.Context, conn dialect.Conn, ident string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.idents = append(d.idents, identCall{conn: conn, ident: ident})
	if d.failNext {
		d.failNext = false
		return true, errors.New("ORA-03113: end-of-file on communication channel")
	}
	return true, nil
}

func (d *countingDialect) Tag(ctx context.Context, t dialect.Tags) context.Context {
	d.mu.Lock()
	d.tags = append(d.tags, t)
	d.mu.Unlock()
	return d.Dialect.Tag(ctx, t)
}

func (d *countingDialect) InsertReturningID(ctx context.Context, conn dialect.Conn, p dialect.Prepared, args []driver.NamedValue) error {
	d.mu.Lock()
	d.returning = append(d.returning, append([]driver.NamedValue(nil), args...))
	d.mu.Unlock()
	return d.Dialect.InsertReturningID(ctx, conn, p, args)
}

// calls returns the SetIdentifier calls so far and forgets them.
func (d *countingDialect) calls() []identCall {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.idents
	d.idents = nil
	return out
}

func idents(calls []identCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.ident
	}
	return out
}

func (f *fixture) update(t *testing.T, ctx context.Context, q DBTX) error {
	t.Helper()
	_, err := q.ExecContext(ctx, "UPDATE products SET stock = 0 WHERE id = -1")
	return err
}

// TestClientIdentifierIsSetOncePerTraceOnEachConnection: CLIENT_IDENTIFIER costs a round trip on
// Oracle, so it is set on a connection only when the trace of its statement changes: once for all of
// a request's statements (queries, DML, a transaction, a prepared statement), again for the next
// request, cleared ("") once for statements without a trace after one with, and on each connection
// that runs a statement of the request (the tag is on the right connection).
func TestClientIdentifierIsSetOncePerTraceOnEachConnection(t *testing.T) {
	f, cd := newCountingFixture(t)
	ctx := context.Background()
	c1, err := f.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()

	// A new connection's session identifier is unknown (godror's session pool may hand back a session
	// an earlier connection tagged): its first statement sets it even without a trace, clearing it.
	c0, err := f.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.update(t, ctx, c0); err != nil {
			t.Fatal(err)
		}
	}
	_ = c0.Close()
	if got := idents(cd.calls()); len(got) != 1 || got[0] != "" {
		t.Fatalf("SetIdentifier calls for a new connection's untraced statements = %q, want one clear (\"\")", got)
	}

	req1, span1 := f.operation("GET /a")
	for range 3 {
		if err := f.update(t, req1, c1); err != nil {
			t.Fatal(err)
		}
	}
	if err := c1.QueryRowContext(req1, "SELECT COUNT(*) FROM products").Scan(new(int)); err != nil {
		t.Fatal(err)
	}
	tx, err := c1.BeginTx(req1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.update(t, req1, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	ps, err := c1.PrepareContext(req1, "UPDATE products SET stock = 1 WHERE id = :1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.ExecContext(req1, -1); err != nil {
		t.Fatal(err)
	}
	_ = ps.Close()
	span1.End()
	trace1 := span1.SpanContext().TraceID().String()
	if got := idents(cd.calls()); len(got) != 1 || got[0] != trace1 {
		t.Fatalf("SetIdentifier calls for one request's 7 statements on one connection = %q, want once with %s", got, trace1)
	}

	req2, span2 := f.operation("GET /b")
	for range 2 {
		if err := f.update(t, req2, c1); err != nil {
			t.Fatal(err)
		}
	}
	span2.End()
	trace2 := span2.SpanContext().TraceID().String()
	if got := idents(cd.calls()); len(got) != 1 || got[0] != trace2 {
		t.Fatalf("SetIdentifier calls for the next request = %q, want once with %s", got, trace2)
	}

	for range 2 {
		if err := f.update(t, ctx, c1); err != nil {
			t.Fatal(err)
		}
	}
	if got := idents(cd.calls()); len(got) != 1 || got[0] != "" {
		t.Fatalf("SetIdentifier calls for statements without a trace after a request = %q, want one clear (\"\")", got)
	}

	// A second connection running a statement of the same request sets it there too.
	c2, err := f.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	req3, span3 := f.operation("GET /c")
	defer span3.End()
	for _, c := range []*sql.Conn{c1, c2, c1, c2} {
		if err := f.update(t, req3, c); err != nil {
			t.Fatal(err)
		}
	}
	calls := cd.calls()
	if len(calls) != 2 || calls[0].conn == calls[1].conn || calls[0].ident != calls[1].ident || calls[0].ident != span3.SpanContext().TraceID().String() {
		t.Fatalf("SetIdentifier calls for one request on two connections = %+v, want one on each with its trace id", calls)
	}
	// The spans record the identifier each statement ran with.
	spans := f.dbSpans()
	if v, _ := attr(spans[len(spans)-1], "oracle.client_identifier"); v != span3.SpanContext().TraceID().String() {
		t.Errorf("last span's oracle.client_identifier = %q, want %s", v, span3.SpanContext().TraceID())
	}
}

// TestFailedSetIdentifierIsRetriedByTheNextStatement: when SET_IDENTIFIER fails the session's value
// is unknown, so the statement fails and the next one on the connection sets it again: for the same
// trace, and for the trace the connection had before the failure (which it may no longer have).
func TestFailedSetIdentifierIsRetriedByTheNextStatement(t *testing.T) {
	f, cd := newCountingFixture(t)
	c1, err := f.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	reqA, spanA := f.operation("GET /a")
	defer spanA.End()
	reqB, spanB := f.operation("GET /b")
	defer spanB.End()
	a, b := spanA.SpanContext().TraceID().String(), spanB.SpanContext().TraceID().String()
	steps := []struct {
		ctx  context.Context
		fail bool
	}{{reqA, false}, {reqB, true}, {reqA, false}, {reqA, false}, {reqB, true}, {reqB, false}, {reqB, false}}
	for i, st := range steps {
		cd.mu.Lock()
		cd.failNext = st.fail
		cd.mu.Unlock()
		err := f.update(t, st.ctx, c1)
		if st.fail != (err != nil) {
			t.Fatalf("step %d: err = %v, want failure %v", i, err, st.fail)
		}
	}
	want := []string{a, b, a, b, b}
	if got := idents(cd.calls()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("SetIdentifier calls = %q, want %q: A, B failed, A again (session unknown), B failed, B retried", got, want)
	}
	spans := f.dbSpans()
	if len(spans) != len(steps) || spans[1].Status().Code != codes.Error || spans[2].Status().Code == codes.Error {
		t.Fatalf("%d spans, want %d with the failed statements' in error", len(spans), len(steps))
	}
}
