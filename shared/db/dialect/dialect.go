// Package dialect is the seam between package db and the databases it runs on: what differs between
// Oracle ATP (package oracle/oradb, godror) and the embedded SQLite twin (package sqlite, modernc) is
// one Dialect each, registered by its package when a binary links it. Package db, and everything
// above it, never names a dialect: which one runs is decided by what the binary links (see package
// dbdriver) and by the configured name, looked up here.
//
// This package imports no driver, so every build links it.
package dialect

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/schema/dialects"
)

// Conn is the driver connection a dialect runs its statements on: the database driver's own
// connection, below database/sql and below package db's instrumentation. Run statements on it with
// Exec and Query, which use the driver's ExecerContext/QueryerContext when it has them (modernc) and
// a prepared statement otherwise (godror).
type Conn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
}

// Tags are the session tags of a statement: Oracle's MODULE, ACTION and CLIENT_INFO.
type Tags struct{ Module, Action, ClientInfo string }

// Prepared is what a dialect derives once from a statement written in Oracle syntax.
type Prepared struct {
	Text string // what runs on this database
	Data any    // the dialect's own analysis (SQLite: the multi-row insert shape), passed back to ExecBatch
}

// Dialect is one database's differences, at the driver level: package db's connector calls it with
// the driver's own connections. Implementations are safe for concurrent use.
type Dialect interface {
	// Name is dialects.Oracle or dialects.SQLite: the one set of dialect names, which the configuration
	// (OCTO_DB_DRIVER), the migrations (schema.FS) and this registry share.
	Name() string
	// Connector returns the driver's connector for a data source name (a file path for SQLite, a
	// godror connect string for Oracle). It connects nothing.
	Connector(dsn string) (driver.Connector, error)
	// System is the span and metric attribute db.system.name.
	System() attribute.KeyValue
	// Prepare returns the statement to run for query (Oracle syntax); an error fails every execution.
	Prepare(query string) (Prepared, error)
	// Bind converts one bind value for the database; false when v is bound as it is.
	Bind(v any) (any, bool)
	// CheckValue is the driver.NamedValueChecker of the dialect's connections, after Bind: nil to send
	// the value as it is (godror's statements take Go values as they are), driver.ErrSkip for
	// database/sql's default conversion (modernc).
	CheckValue(nv *driver.NamedValue) error
	// Rows returns the rows the caller scans: r itself, or a wrapper that hands values back as the
	// production driver would (SQLite: NULL in a text column is "", as godror returns it).
	Rows(r driver.Rows) driver.Rows
	// Tag returns ctx carrying t for the driver to send with the statement (no round trip); ctx when
	// the database has no session tags.
	Tag(ctx context.Context, t Tags) context.Context
	// SetIdentifier sets the session's CLIENT_IDENTIFIER on conn to ident, or clears it when ident is
	// "". It returns false, doing nothing, on a database without one (package db then never calls it
	// again for that connection's statements).
	SetIdentifier(ctx context.Context, conn Conn, ident string) (bool, error)
	// InsertReturningID runs p (an INSERT ending in RETURNING <id> INTO :N) with args, the last being
	// the sql.Out that receives the id, all already checked (CheckNamedValue), and stores the id.
	InsertReturningID(ctx context.Context, conn Conn, p Prepared, args []driver.NamedValue) error
	// ExecBatch runs p once per row (rows not yet bound: see Value) as one statement where the
	// database can, all rows or none: outside a transaction (inTx false) it makes its own (Atomically)
	// when it needs more than one statement or when a failed array DML would leave rows applied.
	ExecBatch(ctx context.Context, conn Conn, p Prepared, rows [][]any, inTx bool) (int64, error)
	// Classify returns the sentinel of this package err stands for, or nil.
	Classify(err error) error
	// StatusCode returns db.response.status_code for err (ORA-00001, DPI-1047, SQLite's extended
	// result code), "" when err did not come from the database.
	StatusCode(err error) string
}

// Value converts a bind value the way a statement's binds are: the dialect's Bind, then database/sql's
// default conversion (driver.Valuer, integer kinds to int64, ...) unless the dialect's CheckValue takes
// it as it is. ExecBatch implementations call it for values database/sql never sees.
func Value(d Dialect, v any) (driver.Value, error) {
	if b, ok := d.Bind(v); ok {
		v = b
	}
	nv := driver.NamedValue{Value: v}
	switch err := d.CheckValue(&nv); err {
	case nil:
		return nv.Value, nil
	case driver.ErrSkip:
		return driver.DefaultParameterConverter.ConvertValue(nv.Value)
	default:
		return nil, err
	}
}

// Sentinel errors for the database failures callers tell apart; package db re-exports them.
var (
	ErrUniqueViolation     = errors.New("unique constraint violated")
	ErrForeignKeyViolation = errors.New("foreign key constraint violated")
	ErrCheckViolation      = errors.New("check constraint violated")
	ErrNotNullViolation    = errors.New("not null constraint violated")
	ErrValueTooLarge       = errors.New("value too large for column") // VARCHAR2 bytes, NUMBER precision
	ErrBusy                = errors.New("database busy")              // lock wait
	ErrDeadlock            = errors.New("deadlock detected")          // ORA-00060; retry the transaction
	ErrUnavailable         = errors.New("database unavailable")       // login, network, client library
)

// Numeric is implemented by bind values that are decimal numbers held as text with a '.' separator
// ("12.50"), such as money.Cents and db.Decimal. On Oracle they are bound as numbers, never as text
// (the server would convert text with the session's NLS_NUMERIC_CHARACTERS); on SQLite as text, which
// NUMERIC columns store as numbers.
type Numeric interface {
	NumericText() string
}

var (
	mu         sync.RWMutex
	registered = map[string]Dialect{}
)

// Register makes d available under d.Name(); a dialect package calls it from init. Registering a name
// twice panics, as sql.Register does.
func Register(d Dialect) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registered[d.Name()]; dup {
		panic("dialect: Register called twice for " + d.Name())
	}
	registered[d.Name()] = d
}

// Lookup returns the dialect registered under name. A known name that is not linked into this binary
// says which build links it.
func Lookup(name string) (Dialect, error) {
	mu.RLock()
	d, ok := registered[name]
	mu.RUnlock()
	if ok {
		return d, nil
	}
	switch name {
	case dialects.Oracle:
		return nil, fmt.Errorf("dialect %q is not linked into this binary: build with -tags oracle (the image's build)", name)
	case dialects.SQLite:
		return nil, fmt.Errorf("dialect %q is not linked into this binary: it is the local build's (no oracle tag)", name)
	}
	return nil, fmt.Errorf("unknown dialect %q (want %s or %s; linked: %s)", name, dialects.Oracle, dialects.SQLite, strings.Join(Linked(), ", "))
}

// Linked returns the names of the registered dialects, sorted.
func Linked() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(registered))
	for n := range registered {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
