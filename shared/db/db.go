package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// instrumentationName names the tracer and meter of this package.
const instrumentationName = "github.com/octo-drone-shop/serverless/shared/db"

// Options configures Open.
type Options struct {
	// Driver names the dialect (dialects.Oracle or dialects.SQLite); its package must be linked into
	// the binary (see package dbdriver), which registers it.
	Driver string
	// Connector is the dialect's driver connector (sqlite.Connector, oradb.Connector). When nil, DSN
	// is given to the dialect's Connector.
	Connector driver.Connector
	// DSN is what the dialect's driver opens when Connector is nil.
	DSN string
	// ServiceName is the session MODULE; telemetry.DefaultServiceName when empty.
	ServiceName string
	// ClientInfo is the session CLIENT_INFO, "<function>@<version>".
	ClientInfo string
	// DBNamespace is db.namespace on spans and metrics (the database or service name).
	DBNamespace string
	// TracerProvider and MeterProvider default to the OpenTelemetry globals; Observe replaces them.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// StatementCacheSize bounds the per-statement cache (translation, SQL_ID, span name); 4096 when 0.
	StatementCacheSize int
	// StatementLog, when set, is a file to which each distinct statement text (the Oracle text) is
	// appended as a JSON string line the first time this pool runs it. The test suite sets it
	// (OCTO_SQL_TRACE_FILE) to prove every statement in the code ran against the embedded database.
	StatementLog string
}

// Open returns a pool whose connections are the dialect driver's, wrapped by this package's
// instrumentation (see connector). It connects nothing: the first statement or PingContext does.
// Closing the pool closes the statement log.
func Open(_ context.Context, opts Options) (*sql.DB, error) {
	dl, err := dialect.Lookup(opts.Driver)
	if err != nil {
		return nil, fmt.Errorf("db.Open: %w", err)
	}
	inner := opts.Connector
	if inner == nil {
		if opts.DSN == "" {
			return nil, errors.New("db.Open: neither Connector nor DSN given")
		}
		if inner, err = dl.Connector(opts.DSN); err != nil {
			return nil, fmt.Errorf("db.Open: %w", err)
		}
	}
	c := &connector{inner: inner, dialect: dl, namespace: opts.DBNamespace}
	c.drv = &wrapDriver{c: c}
	c.spanStart = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
	c.attrBufs.New = func() any {
		b := make([]attribute.KeyValue, 0, 24)
		return &b
	}
	c.module = CutBytes(opts.ServiceName, tagLimit)
	if c.module == "" {
		c.module = telemetry.DefaultServiceName
	}
	c.clientInfo = CutBytes(opts.ClientInfo, tagLimit)
	c.stmts.max = int64(opts.StatementCacheSize)
	if c.stmts.max <= 0 {
		c.stmts.max = 4096
	}
	if err := c.observe(opts.TracerProvider, opts.MeterProvider); err != nil {
		return nil, fmt.Errorf("db.Open: %w", err)
	}
	if opts.StatementLog != "" {
		f, err := os.OpenFile(opts.StatementLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("db.Open: statement log: %w", err)
		}
		c.stmtLog = f
	}
	return sql.OpenDB(c), nil
}

// Observe makes the pool's statements report to tp and mp from now on. A function's cold start opens
// the pool and makes its first connection before telemetry is set up (package boot), then calls
// Observe before the first request; nil means the OpenTelemetry global.
func Observe(d *sql.DB, tp trace.TracerProvider, mp metric.MeterProvider) error {
	c, err := connectorOf(d)
	if err != nil {
		return err
	}
	return c.observe(tp, mp)
}

// DialectOf returns the name of the database d talks to (dialects.Oracle or dialects.SQLite), ""
// for a pool Open did not make.
func DialectOf(d *sql.DB) string {
	c, err := connectorOf(d)
	if err != nil {
		return ""
	}
	return c.dialect.Name()
}

// connectorOf returns the connector behind a pool Open made.
func connectorOf(d *sql.DB) (*connector, error) {
	if w, ok := d.Driver().(*wrapDriver); ok {
		return w.c, nil
	}
	return nil, fmt.Errorf("db: %T is not a pool of package db (db.Open)", d.Driver())
}

// DBTX is what data access code needs: satisfied by *sql.DB, *sql.Tx and *sql.Conn (sqlc's shape).
// Statements are written in Oracle syntax; on a pool Open made they are translated, traced, tagged
// and their errors classified below database/sql.
type DBTX interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ DBTX = (*sql.DB)(nil)
	_ DBTX = (*sql.Tx)(nil)
	_ DBTX = (*sql.Conn)(nil)
)

// InTx runs fn in a transaction: begin, fn, commit; rollback when fn returns an error or panics (the
// panic continues after the rollback). fn's error is returned as is; begin and commit failures are
// classified like statement errors. On SQLite BEGIN takes the write lock at once (sqlite's
// _txlock=immediate), which is what makes read-then-write transactions safe there, standing in for
// Oracle's row locks (FOR UPDATE). Do not nest InTx calls, and inside fn run statements through tx.
func InTx(ctx context.Context, d *sql.DB, fn func(ctx context.Context, tx *sql.Tx) error) (err error) {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if committed {
			return
		}
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err != nil {
			err = errors.Join(err, fmt.Errorf("db.InTx: rollback: %w", rerr))
		}
	}()
	if err := fn(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	committed = true
	return nil
}

// InsertReturningID runs an INSERT ending in "RETURNING <id column> INTO :N" (N = len(args)+1) and
// returns the new id, received through a sql.Out bind (on SQLite the connector reads it from the row
// RETURNING yields). New ids come only from here, never from MAX(id).
func InsertReturningID(ctx context.Context, q DBTX, query string, args ...any) (int64, error) {
	var id int64
	binds := make([]any, len(args)+1)
	copy(binds, args)
	binds[len(args)] = sql.Out{Dest: &id}
	if _, err := q.ExecContext(ctx, query, binds...); err != nil {
		return 0, err
	}
	return id, nil
}

// ExecBatch runs one DML statement for every row of bind values as one instrumented statement (one
// span with db.operation.batch.size, one measurement) and returns the total rows affected.
//
// On Oracle it is one round trip: the rows are turned into one typed slice per column (array DML) and
// bound to a single execution. On SQLite an INSERT ... VALUES (tuple) becomes one multi-row
// INSERT ... VALUES (tuple), (tuple), ... (split when it would exceed SQLite's bind limit); any other
// statement is prepared once and executed per row.
//
// All rows or none, on both: inside a transaction the caller's rollback undoes a failed batch; outside
// one, a batch that is more than one statement (or an Oracle array DML, which applies the rows before
// a failing one) runs in a transaction of its own.
func ExecBatch(ctx context.Context, q DBTX, query string, rows [][]any) (int64, error) {
	res, err := q.ExecContext(ctx, query, batch{rows: rows})
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// batch is the one bind value of an ExecBatch: the connector recognises it (CheckNamedValue) and runs
// the dialect's batch.
type batch struct{ rows [][]any }

// Each runs query on q and calls row with each row's Scan, closing the rows and returning the first
// error of the query, a row or the iteration (rows.Err).
func Each(ctx context.Context, q DBTX, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
