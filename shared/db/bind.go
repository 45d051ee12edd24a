package db

import (
	"database/sql"
	"time"

	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// returningArgs are the binds of an Oracle INSERT ... RETURNING id INTO :N: the values converted as
// bind converts them, then the out bind that receives the id.
func (d *DB) returningArgs(args []any, id *int64) []any {
	out := make([]any, len(args)+1)
	copy(out, d.bind(args))
	out[len(args)] = sql.Out{Dest: id}
	return out
}

// bind converts bind values for the dialect. On both, a time is cut to the millisecond, the precision
// the embedded database stores, so a timestamp reads back the same from either database (ATP's
// TIMESTAMP(6) would keep microseconds, SQLite's text milliseconds). On SQLite, time values become
// sqlite.TimeFormat text so they compare and sort with the stored timestamps, and "" becomes NULL as
// Oracle stores it. Numeric values are numbers on Oracle, never text (see Numeric). The slice is
// copied only when something changes.
func (d *DB) bind(args []any) []any {
	value := oracleValue
	if d.dialect == SQLite {
		value = sqliteValue
	}
	var out []any
	for i, a := range args {
		v, changed := value(a)
		if !changed {
			if out != nil {
				out[i] = a
			}
			continue
		}
		if out == nil {
			out = make([]any, len(args))
			copy(out, args[:i])
		}
		out[i] = v
	}
	if out == nil {
		return args
	}
	return out
}

// oracleValue cuts times to the millisecond and binds Numeric values as numbers.
func oracleValue(a any) (any, bool) {
	switch v := a.(type) {
	case Numeric:
		return numericValue(Oracle, v), true
	case time.Time:
		return v.Truncate(time.Millisecond), true
	case *time.Time:
		if v == nil {
			return nil, true
		}
		return v.Truncate(time.Millisecond), true
	case sql.NullTime:
		v.Time = v.Time.Truncate(time.Millisecond)
		return v, true
	}
	return a, false
}

// sqliteValue formats times as sqlite.TimeFormat text and binds "" as NULL: Oracle makes no
// difference between the two, so the twin must not either (a NOT NULL column refuses "" on both).
func sqliteValue(a any) (any, bool) {
	switch v := a.(type) {
	case string:
		if v == "" {
			return nil, true
		}
		return a, false
	case Numeric:
		return numericValue(SQLite, v), true
	case time.Time:
		return sqlite.FormatTime(v), true
	case *time.Time:
		if v == nil {
			return nil, true
		}
		return sqlite.FormatTime(*v), true
	case sql.NullTime:
		if !v.Valid {
			return nil, true
		}
		return sqlite.FormatTime(v.Time), true
	}
	return a, false
}
