package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// conn is one of the driver's connections, instrumented. database/sql uses a connection from one
// goroutine at a time, so its fields need no lock.
type conn struct {
	c     *connector
	inner dialect.Conn
	inTx  bool // a transaction is open (ExecBatch makes its own otherwise)

	// The session's CLIENT_IDENTIFIER: the trace id of the last statement, set on the session (the
	// dialect's SetIdentifier) only when it changes, so once per request and connection, and cleared
	// when a statement runs without a trace. identDirty: a SetIdentifier failed, so the session's
	// value is unknown. identOff: the dialect has none (SQLite): the identifier is only recorded on
	// spans (what ATP would receive).
	identID    trace.TraceID
	ident      string
	identDirty bool
	identOff   bool
}

var (
	_ driver.Conn               = (*conn)(nil)
	_ driver.ConnBeginTx        = (*conn)(nil)
	_ driver.ConnPrepareContext = (*conn)(nil)
	_ driver.ExecerContext      = (*conn)(nil)
	_ driver.QueryerContext     = (*conn)(nil)
	_ driver.NamedValueChecker  = (*conn)(nil)
	_ driver.Pinger             = (*conn)(nil)
	_ driver.SessionResetter    = (*conn)(nil)
	_ driver.Validator          = (*conn)(nil)
)

// identify brings the session's CLIENT_IDENTIFIER to id, the trace the statement runs in ("" without
// one), and returns it: one round trip on Oracle when it changes, i.e. at a request's first statement
// on this connection, none after. ctx is the statement's (it runs the dialect's SetIdentifier).
func (cn *conn) identify(ctx context.Context, id trace.TraceID) (string, error) {
	if id == cn.identID && !cn.identDirty {
		return cn.ident, nil
	}
	want := ""
	if id.IsValid() {
		want = id.String()
	}
	if !cn.identOff {
		has, err := cn.c.dialect.SetIdentifier(ctx, cn.inner, want)
		if err != nil {
			cn.identDirty = true
			return "", fmt.Errorf("set client identifier: %w", err)
		}
		cn.identOff = !has
	}
	cn.identID, cn.ident, cn.identDirty = id, want, false
	return want, nil
}

// start begins the statement's call (span, tags, measurement) and brings the session's
// CLIENT_IDENTIFIER to the caller's trace; an error (the statement's translation, the identifier's
// round trip) is to be ended with the call.
func (cn *conn) start(cl *call, ctx context.Context, st *stmt) error {
	cn.c.begin(cl, ctx, st)
	if st.err != nil {
		return st.err
	}
	ident, err := cn.identify(cl.ctx, cl.traceID)
	cl.ident = ident
	return err
}

// ExecContext implements driver.ExecerContext: a statement, an ExecBatch (one batch bind) or an
// InsertReturningID (a trailing sql.Out bind).
func (cn *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	st := cn.c.stmt(query)
	if b, ok := batchArgs(args); ok {
		return cn.execBatch(ctx, st, b.rows)
	}
	var cl call
	if err := cn.start(&cl, ctx, st); err != nil {
		return nil, cl.end(-1, "", 0, err)
	}
	if st.intoBinds > 0 {
		if st.intoBinds != 1 || len(args) == 0 {
			return nil, cl.end(-1, "", 0, errors.New("db: RETURNING ... INTO takes one bind, through db.InsertReturningID"))
		}
		if _, ok := args[len(args)-1].Value.(sql.Out); !ok {
			return nil, cl.end(-1, "", 0, errors.New("db: RETURNING ... INTO needs a sql.Out bind: run it with db.InsertReturningID"))
		}
		if err := cn.c.dialect.InsertReturningID(cl.ctx, cn.inner, st.prepared, args); err != nil {
			return nil, cl.end(-1, "", 0, err)
		}
		return result(1), cl.end(1, keyAffectedRows, 0, nil)
	}
	for _, a := range args {
		if _, ok := a.Value.(sql.Out); ok {
			return nil, cl.end(-1, "", 0, errors.New("db: a sql.Out bind needs RETURNING ... INTO (db.InsertReturningID)"))
		}
	}
	res, err := dialect.Exec(cl.ctx, cn.inner, st.prepared.Text, args)
	if err != nil {
		return nil, cl.end(-1, "", 0, err)
	}
	n, rerr := res.RowsAffected()
	if rerr != nil {
		n = -1
	}
	return res, cl.end(n, keyAffectedRows, 0, nil)
}

// execBatch runs an ExecBatch: the dialect's array DML or multi-row insert, in a transaction of its
// own when the caller is not in one and the dialect needs it.
func (cn *conn) execBatch(ctx context.Context, st *stmt, rows [][]any) (driver.Result, error) {
	var cl call
	if err := cn.start(&cl, ctx, st); err != nil {
		return nil, cl.end(-1, "", len(rows), err)
	}
	if st.intoBinds > 0 {
		return nil, cl.end(-1, "", len(rows), errors.New("db.ExecBatch: RETURNING ... INTO cannot be batched"))
	}
	if len(rows) == 0 {
		return result(0), cl.end(0, keyAffectedRows, 0, nil)
	}
	width := len(rows[0])
	for i, r := range rows {
		if len(r) != width {
			return nil, cl.end(-1, "", len(rows), fmt.Errorf("db.ExecBatch: row %d has %d values, row 0 has %d", i, len(r), width))
		}
	}
	n, err := cn.c.dialect.ExecBatch(cl.ctx, cn.inner, st.prepared, rows, cn.inTx)
	if err != nil {
		return nil, cl.end(-1, "", len(rows), err)
	}
	return result(n), cl.end(n, keyAffectedRows, len(rows), nil)
}

// QueryContext implements driver.QueryerContext; the statement's span ends when its rows close.
func (cn *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	st := cn.c.stmt(query)
	r := &rows{}
	if err := cn.start(&r.call, ctx, st); err != nil {
		return nil, r.end(-1, "", 0, err)
	}
	inner, err := dialect.Query(r.ctx, cn.inner, st.prepared.Text, args)
	if err != nil {
		return nil, r.end(-1, "", 0, err)
	}
	r.Rows = cn.c.dialect.Rows(inner)
	return r, nil
}

// CheckNamedValue implements driver.NamedValueChecker: ExecBatch's rows and sql.Out pass as they are
// (the connector handles them), the rest goes through the dialect's Bind and CheckValue.
func (cn *conn) CheckNamedValue(nv *driver.NamedValue) error {
	switch nv.Value.(type) {
	case batch, sql.Out:
		return nil
	}
	if v, ok := cn.c.dialect.Bind(nv.Value); ok {
		nv.Value = v
	}
	return cn.c.dialect.CheckValue(nv)
}

// PrepareContext implements driver.ConnPrepareContext: a statement whose executions are instrumented
// like the connection's.
func (cn *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st := cn.c.stmt(query)
	if st.err != nil {
		return nil, cn.c.mapErr("db: "+st.name, st.err)
	}
	if st.intoBinds > 0 {
		return nil, errors.New("db: RETURNING ... INTO cannot be prepared: run it with db.InsertReturningID")
	}
	ps, err := cn.inner.PrepareContext(ctx, st.prepared.Text)
	if err != nil {
		return nil, cn.c.mapErr("db: "+st.name, err)
	}
	return &stmtConn{cn: cn, st: st, inner: ps}, nil
}

// Prepare implements driver.Conn.
func (cn *conn) Prepare(query string) (driver.Stmt, error) {
	return cn.PrepareContext(context.Background(), query)
}

// BeginTx implements driver.ConnBeginTx; BEGIN carries the session tags (on Oracle they ride on it).
func (cn *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := cn.inner.BeginTx(cn.c.tag(ctx, actionOf(ctx)), opts)
	if err != nil {
		return nil, cn.c.mapErr("db: begin", err)
	}
	cn.inTx = true
	return &txConn{cn: cn, inner: tx}, nil
}

// Begin implements driver.Conn.
func (cn *conn) Begin() (driver.Tx, error) {
	return cn.BeginTx(context.Background(), driver.TxOptions{})
}

// Close implements driver.Conn.
func (cn *conn) Close() error { return cn.inner.Close() }

// DriverConn implements dialect.Wrapped: the driver's own connection, for a health check that is not
// the application's statement (sqlite.Check).
func (cn *conn) DriverConn() dialect.Conn { return cn.inner }

// Ping implements driver.Pinger: the driver's own, when it has one.
func (cn *conn) Ping(ctx context.Context) error {
	if p, ok := cn.inner.(driver.Pinger); ok {
		if err := p.Ping(ctx); err != nil {
			return cn.c.mapErr("db: ping", err)
		}
	}
	return nil
}

// ResetSession implements driver.SessionResetter: the driver's own, when it has one.
func (cn *conn) ResetSession(ctx context.Context) error {
	if r, ok := cn.inner.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

// IsValid implements driver.Validator: the driver's own, when it has one.
func (cn *conn) IsValid() bool {
	if v, ok := cn.inner.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// txConn is a transaction; its statements run on its connection (database/sql sends them there).
type txConn struct {
	cn    *conn
	inner driver.Tx
}

func (t *txConn) Commit() error {
	t.cn.inTx = false
	if err := t.inner.Commit(); err != nil {
		return t.cn.c.mapErr("db: commit", err)
	}
	return nil
}

func (t *txConn) Rollback() error {
	t.cn.inTx = false
	if err := t.inner.Rollback(); err != nil {
		return t.cn.c.mapErr("db: rollback", err)
	}
	return nil
}

// stmtConn is a prepared statement (DBTX.PrepareContext): each execution is one instrumented
// statement.
type stmtConn struct {
	cn    *conn
	st    *stmt
	inner driver.Stmt
}

func (s *stmtConn) Close() error  { return s.inner.Close() }
func (s *stmtConn) NumInput() int { return s.inner.NumInput() }

// CheckNamedValue implements driver.NamedValueChecker as the connection does.
func (s *stmtConn) CheckNamedValue(nv *driver.NamedValue) error { return s.cn.CheckNamedValue(nv) }

func (s *stmtConn) Exec([]driver.Value) (driver.Result, error) {
	return nil, errors.New("db: Exec without a context")
}

func (s *stmtConn) Query([]driver.Value) (driver.Rows, error) {
	return nil, errors.New("db: Query without a context")
}

// ExecContext implements driver.StmtExecContext.
func (s *stmtConn) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	var cl call
	if err := s.cn.start(&cl, ctx, s.st); err != nil {
		return nil, cl.end(-1, "", 0, err)
	}
	se, ok := s.inner.(driver.StmtExecContext)
	if !ok {
		return nil, cl.end(-1, "", 0, errors.New("db: the driver's statement cannot execute with a context"))
	}
	res, err := se.ExecContext(cl.ctx, args)
	if err != nil {
		return nil, cl.end(-1, "", 0, err)
	}
	n, rerr := res.RowsAffected()
	if rerr != nil {
		n = -1
	}
	return res, cl.end(n, keyAffectedRows, 0, nil)
}

// QueryContext implements driver.StmtQueryContext.
func (s *stmtConn) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	r := &rows{}
	if err := s.cn.start(&r.call, ctx, s.st); err != nil {
		return nil, r.end(-1, "", 0, err)
	}
	sq, ok := s.inner.(driver.StmtQueryContext)
	if !ok {
		return nil, r.end(-1, "", 0, errors.New("db: the driver's statement cannot query with a context"))
	}
	inner, err := sq.QueryContext(r.ctx, args)
	if err != nil {
		return nil, r.end(-1, "", 0, err)
	}
	r.Rows = s.cn.c.dialect.Rows(inner)
	return r, nil
}

// rows counts the rows the caller reads and ends the statement's call when database/sql closes them
// (at the end of the rows, on Rows.Close, or after QueryRow's Scan), recording
// db.response.returned_rows.
type rows struct {
	driver.Rows
	call
	n   int64
	err error // the iteration's failure, recorded on the span at Close
}

// Next implements driver.Rows.
func (r *rows) Next(dest []driver.Value) error {
	err := r.Rows.Next(dest)
	switch {
	case err == nil:
		r.n++
		return nil
	case err == io.EOF:
		return err
	}
	r.err = err
	return r.c.mapErr("db: "+r.st.name, err)
}

// Close implements driver.Rows.
func (r *rows) Close() error {
	cerr := r.Rows.Close()
	_ = r.end(r.n, semconv.DBResponseReturnedRowsKey, 0, errors.Join(r.err, cerr))
	if cerr != nil {
		return r.c.mapErr("db: "+r.st.name, cerr)
	}
	return nil
}

// ColumnTypeDatabaseTypeName implements driver.RowsColumnTypeDatabaseTypeName.
func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeScanType implements driver.RowsColumnTypeScanType.
func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
