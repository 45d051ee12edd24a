package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// Rows is the result of a query. It counts the rows the caller reads and ends the statement's span
// when the rows are exhausted or closed, recording db.response.returned_rows; always Close it (defer)
// and check Err.
type Rows struct {
	rows  *sql.Rows
	c     call
	n     int64
	times []timeDest // reused SQLite time destinations
	dest  []any
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

// Scan copies the current row into dest. On SQLite, *time.Time, **time.Time and *sql.NullTime
// destinations also accept the canonical timestamp text (sqlite.TimeFormat), whatever the column's
// declared type, and a NULL scanned into a *string is "", as godror hands it back from Oracle (where
// NULL and the empty string are the same value). godror does not support sql.NullString: a NULL would come back
// Valid with "" there, and so it does here, so code that misuses it fails on the embedded database
// too (shared/internal/oraclecheck refuses it at test time anyway).
func (r *Rows) Scan(dest ...any) error {
	if r.c.d.dialect == SQLite {
		dest = r.sqliteDest(dest)
	}
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

// sqliteDest substitutes time destinations with scanners that also accept timestamp text. The
// caller's slice is copied (into a buffer reused across rows) only when it holds such a destination.
func (r *Rows) sqliteDest(dest []any) []any {
	found := false
	for _, d := range dest {
		switch d.(type) {
		case *time.Time, **time.Time, *sql.NullTime, *string, *sql.NullString:
			found = true
		}
	}
	if !found {
		return dest
	}
	if cap(r.times) < len(dest) {
		r.times = make([]timeDest, len(dest))
		r.dest = make([]any, len(dest))
	}
	r.times, r.dest = r.times[:len(dest)], r.dest[:len(dest)]
	for i, d := range dest {
		switch d.(type) {
		case *time.Time, **time.Time, *sql.NullTime:
			r.times[i] = timeDest{dst: d}
			r.dest[i] = &r.times[i]
		case *string, *sql.NullString:
			r.times[i] = timeDest{dst: d}
			r.dest[i] = (*stringDest)(&r.times[i])
		default:
			r.dest[i] = d
		}
	}
	return r.dest
}

// timeDest scans a time value, or its canonical text, into *time.Time, **time.Time or *sql.NullTime.
type timeDest struct{ dst any }

// Scan implements sql.Scanner.
func (t *timeDest) Scan(src any) error {
	var (
		v     time.Time
		valid = true
	)
	switch s := src.(type) {
	case nil:
		valid = false
	case time.Time:
		v = s
	case string:
		p, err := parseTime(s)
		if err != nil {
			return err
		}
		v = p
	case []byte:
		p, err := parseTime(string(s))
		if err != nil {
			return err
		}
		v = p
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	switch d := t.dst.(type) {
	case *time.Time:
		if !valid {
			return errors.New("cannot scan NULL into *time.Time")
		}
		*d = v
	case **time.Time:
		if !valid {
			*d = nil
			return nil
		}
		*d = &v
	case *sql.NullTime:
		*d = sql.NullTime{Time: v, Valid: valid}
	}
	return nil
}

// stringDest scans a string the way godror does: NULL is "" (and a sql.NullString is always Valid).
type stringDest timeDest

// Scan implements sql.Scanner.
func (s *stringDest) Scan(src any) error {
	var v string
	switch x := src.(type) {
	case nil:
	case string:
		v = x
	case []byte:
		v = string(x)
	default:
		var ns sql.NullString
		if err := ns.Scan(src); err != nil {
			return err
		}
		v = ns.String
	}
	switch d := s.dst.(type) {
	case *string:
		*d = v
	case *sql.NullString:
		*d = sql.NullString{String: v, Valid: true}
	}
	return nil
}

// parseTime reads the canonical format, RFC 3339, or SQLite's own "YYYY-MM-DD HH:MM:SS" (UTC).
func parseTime(s string) (time.Time, error) {
	for _, layout := range [...]string{sqlite.TimeFormat, time.RFC3339Nano, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as a timestamp", s)
}

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
