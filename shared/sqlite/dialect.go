package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/db/dialect"
	"github.com/octo-drone-shop/serverless/shared/sqltext"
)

// Dialect is the embedded database's dialect of package db, registered under dialects.SQLite when this
// package is linked: statements are translated from Oracle syntax (sqltext.Translate), binds and
// scans behave as godror's do on Oracle (” is NULL), errors map to the sentinels of their Oracle
// counterparts.
var Dialect dialect.Dialect = sqliteDialect{}

func init() { dialect.Register(Dialect) }

type sqliteDialect struct{}

func (sqliteDialect) Name() string               { return dialects.SQLite }
func (sqliteDialect) System() attribute.KeyValue { return semconv.DBSystemNameSQLite }

// Connector returns the driver's connector for the database file at path, with DSN's settings.
func (sqliteDialect) Connector(path string) (driver.Connector, error) { return Connector(path) }

// Prepare translates query; its multi-row insert shape rides along for ExecBatch.
func (sqliteDialect) Prepare(query string) (dialect.Prepared, error) {
	tr, err := sqltext.TranslateStatement(query)
	if err != nil {
		return dialect.Prepared{}, err
	}
	return dialect.Prepared{Text: tr.Text, Data: tr.Batch}, nil
}

// Bind formats times as TimeFormat text, so they compare and sort with the stored timestamps, and
// binds "" as NULL: Oracle makes no difference between the two, so the twin must not either (a NOT
// NULL column refuses "" on both). Numeric values are bound as their text.
func (sqliteDialect) Bind(a any) (any, bool) {
	switch v := a.(type) {
	case string:
		if v == "" {
			return nil, true
		}
		return a, false
	case dialect.Numeric:
		return v.NumericText(), true
	case time.Time:
		return FormatTime(v), true
	case *time.Time:
		if v == nil {
			return nil, true
		}
		return FormatTime(*v), true
	case sql.NullTime:
		if !v.Valid {
			return nil, true
		}
		return FormatTime(v.Time), true
	}
	return a, false
}

// CheckValue leaves values to database/sql's default conversion, as modernc does.
func (sqliteDialect) CheckValue(*driver.NamedValue) error { return driver.ErrSkip }

// Tag sends nothing: SQLite has no session tags (the spans still record what ATP would receive).
func (sqliteDialect) Tag(ctx context.Context, _ dialect.Tags) context.Context { return ctx }

// SetIdentifier does nothing: SQLite has no CLIENT_IDENTIFIER.
func (sqliteDialect) SetIdentifier(context.Context, dialect.Conn, string) (bool, error) {
	return false, nil
}

// InsertReturningID reads the id as the row RETURNING yields (the translation dropped INTO) and
// stores it in the sql.Out bind, which the translated statement does not take.
func (sqliteDialect) InsertReturningID(ctx context.Context, conn dialect.Conn, p dialect.Prepared, args []driver.NamedValue) error {
	out, ok := args[len(args)-1].Value.(sql.Out)
	if !ok {
		return errors.New("db.InsertReturningID: the last bind must be the sql.Out receiving the id")
	}
	dest, ok := out.Dest.(*int64)
	if !ok {
		return fmt.Errorf("db.InsertReturningID: the id is received into *int64, not %T", out.Dest)
	}
	rows, err := dialect.Query(ctx, conn, p.Text, args[:len(args)-1])
	if err != nil {
		return err
	}
	// Close exactly once: modernc's rows finalize their statement on every Close, and a second
	// finalize frees it twice (it corrupted the C heap: a fault in the next statement's parser).
	id, err := returnedID(rows)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	*dest = id
	return nil
}

// returnedID reads the id from the one row an INSERT ... RETURNING id yields.
func returnedID(rows driver.Rows) (int64, error) {
	row := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(row); err != nil {
		if err == io.EOF {
			return 0, errors.New("db.InsertReturningID: the insert returned no row")
		}
		return 0, err
	}
	id, ok := row[0].(int64)
	if !ok {
		return 0, fmt.Errorf("db.InsertReturningID: the id came back as %T", row[0])
	}
	return id, nil
}

// maxBinds is SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32).
const maxBinds = 32766

// ExecBatch turns an INSERT ... VALUES (tuple) into one multi-row INSERT ... VALUES (tuple), (tuple),
// ... (split where it would exceed SQLite's bind limit); any other statement is prepared once and
// executed per row. More than one statement outside a transaction runs in its own, so a batch is all
// rows or none.
func (d sqliteDialect) ExecBatch(ctx context.Context, conn dialect.Conn, p dialect.Prepared, rows [][]any, inTx bool) (int64, error) {
	b, _ := p.Data.(*sqltext.BatchInsert)
	var chunk int
	if b != nil && b.Binds > 0 {
		chunk = max(1, maxBinds/b.Binds)
	}
	if chunk >= len(rows) { // one statement: atomic by itself
		return d.execMultiRow(ctx, conn, b, rows)
	}
	run := func() (int64, error) {
		if chunk == 0 {
			return d.execPerRow(ctx, conn, p.Text, rows)
		}
		var total int64
		for start := 0; start < len(rows); start += chunk {
			n, err := d.execMultiRow(ctx, conn, b, rows[start:min(start+chunk, len(rows))])
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}
	if inTx {
		return run()
	}
	return dialect.Atomically(ctx, conn, run)
}

// execMultiRow runs one INSERT with a VALUES tuple per row, binds renumbered row by row.
func (d sqliteDialect) execMultiRow(ctx context.Context, conn dialect.Conn, b *sqltext.BatchInsert, rows [][]any) (int64, error) {
	args := make([]driver.NamedValue, 0, len(rows)*b.Binds)
	for r, row := range rows {
		if len(row) != b.Binds {
			return 0, fmt.Errorf("db.ExecBatch: row %d has %d values, the statement binds %d", r, len(row), b.Binds)
		}
		for c, a := range row {
			v, err := dialect.Value(d, a)
			if err != nil {
				return 0, fmt.Errorf("db.ExecBatch: row %d column %d: %w", r, c, err)
			}
			args = append(args, driver.NamedValue{Ordinal: len(args) + 1, Value: v})
		}
	}
	res, err := dialect.Exec(ctx, conn, b.Text(len(rows)), args)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// execPerRow prepares text once and executes it for every row.
func (d sqliteDialect) execPerRow(ctx context.Context, conn dialect.Conn, text string, rows [][]any) (int64, error) {
	ps, err := conn.PrepareContext(ctx, text)
	if err != nil {
		return 0, err
	}
	defer ps.Close()
	exec, ok := ps.(driver.StmtExecContext)
	if !ok {
		return 0, fmt.Errorf("db.ExecBatch: %T cannot execute with a context", ps)
	}
	var total int64
	args := make([]driver.NamedValue, len(rows[0]))
	for i, row := range rows {
		for c, a := range row {
			v, err := dialect.Value(d, a)
			if err != nil {
				return 0, fmt.Errorf("db.ExecBatch: row %d column %d: %w", i, c, err)
			}
			args[c] = driver.NamedValue{Ordinal: c + 1, Value: v}
		}
		res, err := exec.ExecContext(ctx, args[:len(row)])
		if err != nil {
			return 0, fmt.Errorf("row %d: %w", i, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}
