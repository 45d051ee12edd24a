package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// scopeTimeout bounds the clean-up round trip a Scope makes when it returns its connection.
const scopeTimeout = 5 * time.Second

// instrumentationName names the tracer and meter of this package.
const instrumentationName = "github.com/octo-drone-shop/serverless/shared/db"

// Options configures Open.
type Options struct {
	// Driver names the dialect (dialects.Oracle or dialects.SQLite); its package must be linked into
	// the binary (see package dbdriver), which registers it.
	Driver string
	// DB is a pool from package oracle/oradb or sqlite. The caller keeps ownership: Close does not
	// close it, and Open does not connect it. When nil, DSN is opened with the dialect's driver
	// (sql.Open), pinged, and closed by Close.
	DB *sql.DB
	// DSN is what the dialect's driver opens when DB is nil.
	DSN string
	// ServiceName is the session MODULE; telemetry.DefaultServiceName when empty.
	ServiceName string
	// ClientInfo is the session CLIENT_INFO, "<function>@<version>".
	ClientInfo string
	// DBNamespace is db.namespace on spans and metrics (the database or service name).
	DBNamespace string
	// TracerProvider and MeterProvider default to the OpenTelemetry globals.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	// Logger receives what cannot be returned to a caller (a failed clean-up when a Scope ends);
	// slog.Default() when nil.
	Logger *slog.Logger
	// StatementCacheSize bounds the per-statement cache (translation, SQL_ID, span name); 4096 when 0.
	StatementCacheSize int
	// StatementLog, when set, is a file to which each distinct statement text (the Oracle text) is
	// appended as a JSON string line the first time this DB runs it. The test suite sets it
	// (OCTO_SQL_TRACE_FILE) to prove every statement in the code ran against the embedded database.
	StatementLog string
}

// DB is the data layer over one pool: every statement is traced, measured, tagged and, on SQLite,
// translated. It is safe for concurrent use.
type DB struct {
	sql      *sql.DB
	owned    bool
	dialect  dialect.Dialect
	tracer   trace.Tracer
	duration metric.Float64Histogram
	logger   *slog.Logger
	stmts    stmtCache
	attrBufs sync.Pool // *[]attribute.KeyValue: per-statement span attributes under construction
	// spanStart holds the start options of every statement span (kind CLIENT), built once.
	spanStart []trace.SpanStartOption

	module, clientInfo, namespace string

	stmtLog   *os.File   // Options.StatementLog, nil when unset
	stmtLogMu sync.Mutex // one line per write
}

// Open builds a DB from opts and checks the database answers.
func Open(ctx context.Context, opts Options) (*DB, error) {
	dl, err := dialect.Lookup(opts.Driver)
	if err != nil {
		return nil, fmt.Errorf("db.Open: %w", err)
	}
	d := &DB{sql: opts.DB, namespace: opts.DBNamespace, logger: opts.Logger, dialect: dl}
	d.spanStart = []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
	d.attrBufs.New = func() any {
		b := make([]attribute.KeyValue, 0, 24)
		return &b
	}
	d.module = CutBytes(opts.ServiceName, tagLimit)
	if d.module == "" {
		d.module = telemetry.DefaultServiceName
	}
	d.clientInfo = CutBytes(opts.ClientInfo, tagLimit)
	if d.logger == nil {
		d.logger = slog.Default()
	}
	if opts.StatementLog != "" {
		f, err := os.OpenFile(opts.StatementLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("db.Open: statement log: %w", err)
		}
		d.stmtLog = f
	}
	d.stmts.max = int64(opts.StatementCacheSize)
	if d.stmts.max <= 0 {
		d.stmts.max = 4096
	}
	tp, mp := opts.TracerProvider, opts.MeterProvider
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	d.tracer = tp.Tracer(instrumentationName)
	h, err := mp.Meter(instrumentationName).Float64Histogram("db.client.operation.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10))
	if err != nil {
		return nil, fmt.Errorf("db.Open: histogram: %w", err)
	}
	d.duration = h

	if d.sql == nil {
		if opts.DSN == "" {
			return nil, errors.New("db.Open: neither DB nor DSN given")
		}
		d.sql, err = dl.Open(ctx, opts.DSN)
		if err != nil {
			return nil, d.mapErr("db.Open", err)
		}
		d.owned = true
	}
	// A pool passed in (Options.DB) is not pinged: its owner decides when the first connection is
	// made (package boot makes it concurrently with the rest of a cold start).
	return d, nil
}

// Close closes the pool if Open opened it.
func (d *DB) Close() error {
	var errs []error
	if d.stmtLog != nil {
		errs = append(errs, d.stmtLog.Close())
	}
	if d.owned {
		errs = append(errs, d.sql.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("db.Close: %w", err)
	}
	return nil
}

// Dialect returns the name of the database the DB talks to (dialects.Oracle or dialects.SQLite).
func (d *DB) Dialect() string { return d.dialect.Name() }

// SQL returns the underlying pool for what this package does not do (migrations run DDL through it).
// Statements run on it directly are neither translated, traced nor tagged.
func (d *DB) SQL() *sql.DB { return d.sql }

// DBTX is what data access code needs, satisfied by *DB (outside a transaction) and *Tx.
type DBTX interface {
	QueryContext(ctx context.Context, query string, args ...any) (*Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	InsertReturningID(ctx context.Context, query string, args ...any) (int64, error)
	ExecBatch(ctx context.Context, query string, rows [][]any) (int64, error)
}

var (
	_ DBTX = (*DB)(nil)
	_ DBTX = (*Tx)(nil)
)

// querier is what *sql.DB, *sql.Conn and *sql.Tx have in common.
type querier = dialect.Querier

// QueryContext runs a query (Oracle syntax) and returns its rows; close them.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	return d.query(ctx, nil, query, args)
}

// QueryRowContext runs a query expected to return at most one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *Row {
	return d.queryRow(ctx, nil, query, args)
}

// ExecContext runs a statement that returns no rows.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.exec(ctx, nil, query, args)
}

// InsertReturningID runs an INSERT ending in "RETURNING <id column> INTO :N" (N = len(args)+1) and
// returns the new id: on Oracle through a sql.Out bind, on SQLite as the row RETURNING yields. New
// ids come only from here, never from MAX(id).
func (d *DB) InsertReturningID(ctx context.Context, query string, args ...any) (int64, error) {
	return d.insertReturningID(ctx, nil, query, args)
}

// ExecBatch runs one DML statement for every row of bind values (see batch.go for how).
func (d *DB) ExecBatch(ctx context.Context, query string, rows [][]any) (int64, error) {
	return d.execBatch(ctx, nil, query, rows)
}

func (d *DB) query(ctx context.Context, t *Tx, query string, args []any) (*Rows, error) {
	r := &Rows{}
	if err := d.queryInto(ctx, r, t, query, args); err != nil {
		return nil, err
	}
	return r, nil
}

func (d *DB) queryRow(ctx context.Context, t *Tx, query string, args []any) *Row {
	row := &Row{}
	row.err = d.queryInto(ctx, &row.rows, t, query, args)
	return row
}

// queryInto starts the statement's span and opens its rows into r; the span ends with the rows.
func (d *DB) queryInto(ctx context.Context, r *Rows, t *Tx, query string, args []any) error {
	st := d.stmt(query)
	r.c = d.begin(ctx, st)
	if st.err != nil {
		return r.c.end(-1, "", 0, st.err)
	}
	q, err := r.c.target(t)
	if err != nil {
		return r.c.end(-1, "", 0, err)
	}
	rows, err := q.QueryContext(r.c.ctx, st.prepared.Text, d.bind(args)...)
	if err != nil {
		return r.c.end(-1, "", 0, err)
	}
	r.rows = rows
	return nil
}

func (d *DB) exec(ctx context.Context, t *Tx, query string, args []any) (sql.Result, error) {
	st := d.stmt(query)
	c := d.begin(ctx, st)
	if st.err != nil {
		return nil, c.end(-1, "", 0, st.err)
	}
	q, err := c.target(t)
	if err != nil {
		return nil, c.end(-1, "", 0, err)
	}
	res, err := q.ExecContext(c.ctx, st.prepared.Text, d.bind(args)...)
	if err != nil {
		return nil, c.end(-1, "", 0, err)
	}
	n, rerr := res.RowsAffected()
	if rerr != nil {
		n = -1
	}
	return res, c.end(n, keyAffectedRows, 0, nil)
}

func (d *DB) insertReturningID(ctx context.Context, t *Tx, query string, args []any) (int64, error) {
	st := d.stmt(query)
	c := d.begin(ctx, st)
	if st.err != nil {
		return 0, c.end(-1, "", 0, st.err)
	}
	if st.intoBinds != 1 {
		return 0, c.end(-1, "", 0, errors.New("db.InsertReturningID: the statement must end in RETURNING <column> INTO :N"))
	}
	q, err := c.target(t)
	if err != nil {
		return 0, c.end(-1, "", 0, err)
	}
	id, err := d.dialect.InsertReturningID(c.ctx, q, st.prepared, d.bind(args))
	if err != nil {
		return 0, c.end(-1, "", 0, err)
	}
	return id, c.end(1, keyAffectedRows, 0, nil)
}
