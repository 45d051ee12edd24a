package db

import (
	"context"
	"database/sql"
	"fmt"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Rows is the result of a query. It counts the rows the caller reads and ends the statement's span
// when the rows are exhausted or closed, recording db.response.returned_rows; always Close it (defer)
// and check Err.
type Rows struct {
	rows *sql.Rows
	c    call
	n    int64
	scan any // the dialect's scan destinations, reused across rows (dialect.Dialect.Dest)
}

// Next prepares the next row for Scan.
func (r *Rows) Next() bool {
	if r.rows.Next() {
		r.n++
		return true
	}
	_ = r.c.end(r.n, semconv.DBResponseReturnedRowsKey, 0, r.rows.Err())
	return false
}

// Scan copies the current row into dest, through the dialect's destinations: on SQLite a time
// destination also accepts the canonical timestamp text and a NULL scanned into a *string is "", as
// godror hands it back from Oracle (where NULL and the empty string are the same value). godror does
// not support sql.NullString: a NULL would come back Valid with "" there, and so it does here, so
// code that misuses it fails on the embedded database too (shared/internal/oraclecheck refuses it at
// test time anyway).
func (r *Rows) Scan(dest ...any) error {
	dest = r.c.d.dialect.Dest(dest, &r.scan)
	if err := r.rows.Scan(dest...); err != nil {
		return fmt.Errorf("db: %s: scan: %w", r.c.st.name, err)
	}
	return nil
}

// Err returns the error that ended the iteration, if any.
func (r *Rows) Err() error {
	if err := r.rows.Err(); err != nil {
		return r.c.d.mapErr("db: "+r.c.st.name, err)
	}
	return nil
}

// Columns returns the column names.
func (r *Rows) Columns() ([]string, error) { return r.rows.Columns() }

// Close releases the rows and ends the statement's span if Next has not already.
func (r *Rows) Close() error {
	err := r.rows.Close()
	if !r.c.done {
		return r.c.end(r.n, semconv.DBResponseReturnedRowsKey, 0, err)
	}
	if err != nil {
		return r.c.d.mapErr("db: "+r.c.st.name, err)
	}
	return nil
}

// Row is the result of QueryRowContext.
type Row struct {
	rows Rows
	err  error
}

// Scan copies the row into dest; it returns sql.ErrNoRows when the query returned no row.
func (row *Row) Scan(dest ...any) error {
	if row.err != nil {
		return row.err
	}
	r := &row.rows
	if !r.Next() {
		if err := r.Err(); err != nil {
			return err
		}
		_ = r.rows.Close()
		return sql.ErrNoRows
	}
	if err := r.Scan(dest...); err != nil {
		_ = r.Close()
		return err
	}
	return r.Close()
}

// Err returns the error of running the query, without scanning.
func (row *Row) Err() error { return row.err }

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
