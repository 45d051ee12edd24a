package db

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"database/sql/driver"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// connector is the data layer, below database/sql: it wraps the dialect driver's connector, and every
// connection it makes runs each statement translated (the dialect's Prepare), its binds converted
// (Bind, CheckValue), traced (one CLIENT span with SQL_ID and the semantic-convention attributes),
// measured (the duration histogram, the request's Stats, the per-statement totals), tagged (MODULE,
// ACTION and CLIENT_INFO with the statement; CLIENT_IDENTIFIER on the connection when it changes) and
// its failure classified (*apperr.Error wrapping a sentinel). Everything derived from a statement
// text is computed once and cached here, shared by all connections.
type connector struct {
	inner   driver.Connector
	dialect dialect.Dialect
	drv     *wrapDriver
	inst    atomic.Pointer[instruments]
	stmts   stmtCache
	// attrBufs holds *[]attribute.KeyValue: per-statement span attributes under construction.
	attrBufs sync.Pool
	// spanStart holds the start options of every statement span (kind CLIENT), built once.
	spanStart []trace.SpanStartOption

	module, clientInfo, namespace string

	stmtLog   *os.File   // Options.StatementLog, nil when unset
	stmtLogMu sync.Mutex // one line per write
}

// instruments are where statements report; Observe swaps them.
type instruments struct {
	tracer   trace.Tracer
	duration metric.Float64Histogram
}

func (c *connector) observe(tp trace.TracerProvider, mp metric.MeterProvider) error {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	h, err := mp.Meter(instrumentationName).Float64Histogram("db.client.operation.duration",
		metric.WithUnit("s"),
		metric.WithDescription("Duration of database client operations."),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10))
	if err != nil {
		return fmt.Errorf("histogram: %w", err)
	}
	c.inst.Store(&instruments{tracer: tp.Tracer(instrumentationName), duration: h})
	return nil
}

// Connect implements driver.Connector.
func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	ic, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, c.mapErr("db: connect", err)
	}
	dc, ok := ic.(dialect.Conn)
	if !ok {
		_ = ic.Close()
		return nil, fmt.Errorf("db: the %s driver's connection %T lacks PrepareContext or BeginTx", c.dialect.Name(), ic)
	}
	// A new connection's session may come from the driver's own session pool (godror's) still set to
	// the identifier of an earlier connection: unknown until the first statement sets or clears it.
	return &conn{c: c, inner: dc, identDirty: true}, nil
}

// Driver implements driver.Connector.
func (c *connector) Driver() driver.Driver { return c.drv }

// Close closes the statement log and the driver's connector when it has a Close (database/sql calls
// it from DB.Close).
func (c *connector) Close() error {
	var errs []error
	if c.stmtLog != nil {
		errs = append(errs, c.stmtLog.Close())
	}
	if cl, ok := c.inner.(io.Closer); ok {
		errs = append(errs, cl.Close())
	}
	return errors.Join(errs...)
}

// wrapDriver is the pool's driver.Driver: only a way back to its connector (DB.Driver).
type wrapDriver struct{ c *connector }

// Open implements driver.Driver; pools of this package are made by Open, never by name.
func (*wrapDriver) Open(string) (driver.Conn, error) {
	return nil, errors.New("db: open pools with db.Open, not sql.Open")
}

// batchArgs returns the rows of an ExecBatch call.
func batchArgs(args []driver.NamedValue) (batch, bool) {
	if len(args) != 1 {
		return batch{}, false
	}
	b, ok := args[0].Value.(batch)
	return b, ok
}

// result is the driver.Result of a batch or an insert returning an id.
type result int64

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("db: no LastInsertId on Oracle: use InsertReturningID")
}
func (r result) RowsAffected() (int64, error) { return int64(r), nil }

// Attribute key for rows a statement changed; db.response.returned_rows is kept for rows a statement
// returns, as the conventions define it.
const keyAffectedRows = attribute.Key("db.response.affected_rows")
