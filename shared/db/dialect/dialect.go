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
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.opentelemetry.io/otel/attribute"

	"github.com/octo-drone-shop/serverless/schema/dialects"
)

// Querier is what *sql.DB, *sql.Conn and *sql.Tx have in common: where a statement runs.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Tags are the session tags of a statement: Oracle's MODULE, ACTION and CLIENT_INFO.
type Tags struct{ Module, Action, ClientInfo string }

// Prepared is what a dialect derives once from a statement written in Oracle syntax.
type Prepared struct {
	Text string // what runs on this database
	Data any    // the dialect's own analysis (SQLite: the multi-row insert shape), passed back to ExecBatch
}

// Dialect is one database's differences. Implementations are safe for concurrent use.
type Dialect interface {
	// Name is dialects.Oracle or dialects.SQLite: the one set of dialect names, which the configuration
	// (OCTO_DB_DRIVER), the migrations (schema.FS) and this registry share.
	Name() string
	// Open opens a pool of the dialect's driver from a data source name (a file path for SQLite, a
	// godror connect string for Oracle) and checks it is usable.
	Open(ctx context.Context, dsn string) (*sql.DB, error)
	// System is the span and metric attribute db.system.name.
	System() attribute.KeyValue
	// Prepare returns the statement to run for query (Oracle syntax); an error fails every execution.
	Prepare(query string) (Prepared, error)
	// Bind converts one bind value for the database; false when v is bound as it is.
	Bind(v any) (any, bool)
	// Dest returns the scan destinations to give database/sql for dest: dest itself, or substitutes
	// kept in *state (reused across rows of one result) that write into dest's values.
	Dest(dest []any, state *any) []any
	// Tag returns ctx carrying t for the driver to send with the statement (no round trip); ctx when
	// the database has no session tags.
	Tag(ctx context.Context, t Tags) context.Context
	// SetIdentifier sets the session's CLIENT_IDENTIFIER on conn; ClearIdentifier removes it. Both do
	// nothing on a database without one.
	SetIdentifier(ctx context.Context, conn *sql.Conn, ident string) error
	ClearIdentifier(ctx context.Context, conn *sql.Conn) error
	// InsertReturningID runs p (an INSERT ending in RETURNING <id> INTO :N) with args, already bound,
	// and returns the new id.
	InsertReturningID(ctx context.Context, q Querier, p Prepared, args []any) (int64, error)
	// ExecBatch runs p once per row (rows not yet bound) as one statement where the database can, all
	// rows or none: outside a transaction (inTx false) it makes its own when it needs more than one
	// statement or when a failed array DML would leave rows applied.
	ExecBatch(ctx context.Context, q Querier, p Prepared, rows [][]any, inTx bool) (int64, error)
	// Classify returns the sentinel of this package err stands for, or nil.
	Classify(err error) error
	// StatusCode returns db.response.status_code for err (ORA-00001, DPI-1047, SQLite's extended
	// result code), "" when err did not come from the database.
	StatusCode(err error) string
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

// Atomically runs fn in a transaction begun on q, a pool or a connection (a batch that needs one
// outside the caller's transaction).
func Atomically(ctx context.Context, q Querier, fn func(Querier) (int64, error)) (int64, error) {
	var (
		tx  *sql.Tx
		err error
	)
	switch b := q.(type) {
	case *sql.DB:
		tx, err = b.BeginTx(ctx, nil)
	case *sql.Conn:
		tx, err = b.BeginTx(ctx, nil)
	default:
		return 0, fmt.Errorf("db.ExecBatch: cannot begin a transaction on %T", q)
	}
	if err != nil {
		return 0, err
	}
	n, err := fn(tx)
	if err != nil {
		_ = tx.Rollback()
		return 0, err
	}
	return n, tx.Commit()
}
