package sqlite

import (
	"context"
	"database/sql"
	"fmt"
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

// Open opens the database file at path (see Open).
func (sqliteDialect) Open(_ context.Context, path string) (*sql.DB, error) { return Open(path) }

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

// Tag sends nothing: SQLite has no session tags (the spans still record what ATP would receive).
func (sqliteDialect) Tag(ctx context.Context, _ dialect.Tags) context.Context { return ctx }

// SetIdentifier does nothing: SQLite has no CLIENT_IDENTIFIER.
func (sqliteDialect) SetIdentifier(context.Context, *sql.Conn, string) error { return nil }

// ClearIdentifier does nothing.
func (sqliteDialect) ClearIdentifier(context.Context, *sql.Conn) error { return nil }

// InsertReturningID reads the id as the row RETURNING yields (the translation dropped INTO).
func (sqliteDialect) InsertReturningID(ctx context.Context, q dialect.Querier, p dialect.Prepared, args []any) (int64, error) {
	var id int64
	if err := q.QueryRowContext(ctx, p.Text, args...).Scan(&id); err != nil {
		return 0, err
	}
	return id, nil
}

// maxBinds is SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32).
const maxBinds = 32766

// ExecBatch turns an INSERT ... VALUES (tuple) into one multi-row INSERT (split when it would exceed
// SQLite's bind limit); any other statement is prepared once and executed per row. More than one
// statement outside a transaction runs in its own, so a batch is all rows or none.
func (d sqliteDialect) ExecBatch(ctx context.Context, q dialect.Querier, p dialect.Prepared, rows [][]any, inTx bool) (int64, error) {
	b, _ := p.Data.(*sqltext.BatchInsert)
	var chunk int
	if b != nil && b.Binds > 0 {
		chunk = max(1, maxBinds/b.Binds)
	}
	if chunk >= len(rows) {
		return d.execMultiRow(ctx, q, b, rows)
	}
	run := func(q dialect.Querier) (int64, error) {
		if b != nil && b.Binds > 0 {
			var total int64
			for start := 0; start < len(rows); start += chunk {
				n, err := d.execMultiRow(ctx, q, b, rows[start:min(start+chunk, len(rows))])
				if err != nil {
					return 0, err
				}
				total += n
			}
			return total, nil
		}
		return d.execPerRow(ctx, q, p.Text, rows)
	}
	if inTx {
		return run(q)
	}
	return dialect.Atomically(ctx, q, run)
}

// execMultiRow runs one INSERT with a VALUES tuple per row, binds renumbered row by row.
func (d sqliteDialect) execMultiRow(ctx context.Context, q dialect.Querier, b *sqltext.BatchInsert, rows [][]any) (int64, error) {
	args := make([]any, 0, len(rows)*b.Binds)
	for r, row := range rows {
		if len(row) != b.Binds {
			return 0, fmt.Errorf("db.ExecBatch: row %d has %d values, the statement binds %d", r, len(row), b.Binds)
		}
		for _, a := range row {
			if v, ok := d.Bind(a); ok {
				a = v
			}
			args = append(args, a)
		}
	}
	res, err := q.ExecContext(ctx, b.Text(len(rows)), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// execPerRow prepares text once and executes it for every row.
func (d sqliteDialect) execPerRow(ctx context.Context, q dialect.Querier, text string, rows [][]any) (int64, error) {
	ps, err := q.PrepareContext(ctx, text)
	if err != nil {
		return 0, err
	}
	defer ps.Close()
	var total int64
	args := make([]any, 0, len(rows[0]))
	for i, row := range rows {
		args = args[:0]
		for _, a := range row {
			if v, ok := d.Bind(a); ok {
				a = v
			}
			args = append(args, a)
		}
		res, err := ps.ExecContext(ctx, args...)
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
