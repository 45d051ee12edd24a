// Package sqlite opens the embedded database (modernc.org/sqlite, pure Go, no cgo) the functions use
// locally and in tests in place of Oracle ATP, and is package db's SQLite dialect (Dialect, registered
// when this package is linked: the local build's, see package dbdriver).
//
// Several processes (the local gateway scales a function out to more than one process) share one
// database file, so every connection is opened with:
//
//   - journal_mode WAL: readers never block the writer and the writer never blocks readers;
//   - busy_timeout 5000 ms: a connection waits for the write lock instead of failing at once;
//   - foreign_keys ON: SQLite enforces foreign keys only when asked, per connection;
//   - synchronous NORMAL: durable at every checkpoint, the usual pairing with WAL;
//   - _txlock=immediate: BEGIN takes the write lock at once. With the default deferred BEGIN a
//     transaction that reads and then writes cannot upgrade its read lock once another connection has
//     committed, and fails with SQLITE_BUSY despite the busy timeout (measured: 38 of 40 concurrent
//     read-then-update transactions failed deferred, none failed immediate). It also gives the
//     semantics `SELECT ... FOR UPDATE` has on Oracle: the whole database is locked from BEGIN.
//   - no _texttotime: the dialect's Rows (scan.go) hands back a typeless value (MAX(created_at)) as a
//     time.Time when it has the canonical form below, at a fraction of the driver's cost; raw pools
//     (OpenPool, for migrations and checks) see such a value as its text.
//
// Timestamps are TEXT in one canonical UTC format, TimeFormat ("2006-01-02T15:04:05.000Z"), the format
// the DDL default strftime('%Y-%m-%dT%H:%M:%fZ','now') produces, so text order is time order. The
// driver's own time binding (its _time_format choices) offers no such format, so package db binds
// time.Time values as FormatTime strings; code that writes through the *sql.DB returned here directly
// must do the same. modernc scans that text back into time.Time for columns declared DATE, DATETIME or
// TIMESTAMP (and the dialect does for typeless expressions, see scan.go), so every timestamp column of
// the twin is declared TIMESTAMP: a column declared TEXT hands the text back as a string.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	// The driver registers itself as "sqlite" too.
	msqlite "modernc.org/sqlite"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

// TimeFormat is the canonical text form of a timestamp in the embedded database: UTC, millisecond
// precision, the layout of strftime('%Y-%m-%dT%H:%M:%fZ','now').
const TimeFormat = "2006-01-02T15:04:05.000Z"

// NowSQL is the SQLite expression for the current time in TimeFormat.
const NowSQL = sqltext.NowSQL

// BusyTimeout is how long a connection waits for a lock held by another connection or process.
const BusyTimeout = 5 * time.Second

// FormatTime returns t in TimeFormat (converted to UTC, truncated to the millisecond).
func FormatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}

// DeferredDSN is DSN with SQLite's default deferred transactions: BEGIN takes no lock, and a
// transaction that reads before it writes fails with SQLITE_BUSY once another one has committed. It
// is for tests only: they run a read-decide-write path with it to show that its first statement
// takes the lock (a write, or a single conditional statement), which is what makes the path safe
// under Oracle's READ COMMITTED; the functions always use DSN.
func DeferredDSN(path string) string {
	return strings.Replace(DSN(path), "&_txlock=immediate", "&_txlock=deferred", 1)
}

// DSN returns the data source name Open uses for the database file at path.
func DSN(path string) string {
	return path + "?_pragma=busy_timeout(" + strconv.FormatInt(BusyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		"&_txlock=immediate"
}

// Open opens (creating if needed) the database file at path and checks that it is usable: OpenPool
// then Check. The file must be a real path: ":memory:" would give every pooled connection its own
// empty database.
func Open(path string) (*sql.DB, error) {
	db, err := OpenPool(path)
	if err != nil {
		return nil, err
	}
	if err := Check(context.Background(), db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("sqlite.Open %s: %w", path, err)
	}
	return db, nil
}

// OpenPool validates path and returns the driver's own pool without connecting (sql.Open does no
// I/O): for what runs below the data layer (migrations, checks). Functions use package db's pool,
// which wraps Connector. Check a pool before relying on it; a function's cold start does so
// concurrently with the rest of its start (package boot), since the first connection reads and
// parses the whole schema.
func OpenPool(path string) (*sql.DB, error) {
	c, err := Connector(path)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

// Connector validates path and returns the driver's connector for it, with DSN's settings.
func Connector(path string) (driver.Connector, error) {
	switch {
	case path == "":
		return nil, errors.New("sqlite.Open: empty database path")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return nil, fmt.Errorf("sqlite.Open: %q: want a file path (an in-memory database is private to one connection)", path)
	case strings.ContainsRune(path, '?'):
		return nil, fmt.Errorf("sqlite.Open: %q: a path must not contain '?'", path)
	}
	return dsnConnector{dsn: DSN(path)}, nil
}

// DSNConnector returns the driver's connector for a full DSN (DSN, DeferredDSN), unvalidated.
func DSNConnector(dsn string) driver.Connector { return dsnConnector{dsn: dsn} }

// dsnConnector is database/sql's own connector for a driver without one (modernc's Driver has only
// Open), so the data layer can wrap it.
type dsnConnector struct{ dsn string }

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return drv }

// drv is modernc's driver, the one it registers as "sqlite".
var drv = &msqlite.Driver{}

// Check opens a first connection (applying the pragmas) and verifies WAL and foreign keys took
// effect: journal_mode silently stays "delete" on file systems without shared memory. It reads them
// on the driver's own connection (below package db's instrumentation, when d is its pool), so the
// check is neither traced nor counted as the application's statements.
func Check(ctx context.Context, d *sql.DB) error {
	c, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		conn, ok := dialect.Unwrap(dc)
		if !ok {
			return fmt.Errorf("sqlite.Check: %T is not a driver connection", dc)
		}
		mode, err := pragma(ctx, conn, "PRAGMA journal_mode")
		if err != nil {
			return fmt.Errorf("read journal_mode: %w", err)
		}
		if !strings.EqualFold(fmt.Sprint(mode), "wal") {
			return fmt.Errorf("journal_mode is %q, want wal", mode)
		}
		fk, err := pragma(ctx, conn, "PRAGMA foreign_keys")
		if err != nil {
			return fmt.Errorf("read foreign_keys: %w", err)
		}
		if fk != int64(1) {
			return errors.New("foreign_keys is off")
		}
		return nil
	})
}

// pragma reads the one value a PRAGMA returns.
func pragma(ctx context.Context, conn dialect.Conn, text string) (driver.Value, error) {
	rows, err := dialect.Query(ctx, conn, text, nil)
	if err != nil {
		return nil, err
	}
	v := make([]driver.Value, len(rows.Columns()))
	err = rows.Next(v)
	// Close exactly once (see InsertReturningID).
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return v[0], nil
}
