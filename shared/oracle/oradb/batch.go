package oradb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/godror/godror"

	"github.com/octo-drone-shop/serverless/shared/db/dialect"
)

// ExecBatch binds the rows as one typed slice per column (array DML) to a single execution: one
// round trip. godror does not use batch errors, so a failure at row k stops the execution with rows
// 0..k-1 applied; outside a transaction, where they would be committed, it runs in its own.
func (oracleDialect) ExecBatch(ctx context.Context, conn dialect.Conn, p dialect.Prepared, rows [][]any, inTx bool) (int64, error) {
	cols, err := arrayBinds(rows)
	if err != nil {
		return 0, err
	}
	args := make([]driver.NamedValue, len(cols))
	for i, c := range cols {
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: c}
	}
	run := func() (int64, error) {
		res, err := dialect.Exec(ctx, conn, p.Text, args)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if inTx {
		return run()
	}
	return dialect.Atomically(ctx, conn, run)
}

// arrayBinds turns rows of values into one slice per column of a type godror binds as an array:
// []int64, []float64, []string, [][]byte, []time.Time, or their sql.Null* forms when a column has
// NULLs (strings need none: Oracle stores ” as NULL), and []godror.Number for Numeric values
// (money, weights: numbers, never text the server converts under NLS settings). Values are first
// converted as database/sql would (driver.Valuer, int kinds to int64, ...); bool becomes 0/1 for NUMBER(1) flags. A column
// mixing types is an error.
func arrayBinds(rows [][]any) ([]any, error) {
	width := len(rows[0])
	cols := make([]any, width)
	vals := make([]driver.Value, len(rows))
	for j := range width {
		var kind string
		nulls := false
		for i, r := range rows {
			if n, ok := r[j].(dialect.Numeric); ok {
				vals[i] = godror.Number(n.NumericText())
				if kind != "" && kind != "number" {
					return nil, fmt.Errorf("db.ExecBatch: column %d mixes %s and number", j, kind)
				}
				kind = "number"
				continue
			}
			v, err := driver.DefaultParameterConverter.ConvertValue(r[j])
			if err != nil {
				return nil, fmt.Errorf("db.ExecBatch: row %d column %d: %w", i, j, err)
			}
			if b, ok := v.(bool); ok {
				v = int64(0)
				if b {
					v = int64(1)
				}
			}
			vals[i] = v
			if v == nil {
				nulls = true
				continue
			}
			k := kindName(v)
			if kind != "" && k != kind {
				return nil, fmt.Errorf("db.ExecBatch: column %d mixes %s and %s", j, kind, k)
			}
			kind = k
		}
		col, err := column(kind, nulls, vals)
		if err != nil {
			return nil, fmt.Errorf("db.ExecBatch: column %d: %w", j, err)
		}
		cols[j] = col
	}
	return cols, nil
}

// kindName names the driver.Value types DefaultParameterConverter produces.
func kindName(v driver.Value) string {
	switch v.(type) {
	case int64:
		return "int64"
	case float64:
		return "float64"
	case string:
		return "string"
	case []byte:
		return "[]byte"
	case time.Time:
		return "time.Time"
	}
	return "unsupported"
}

// column builds the typed slice for one column.
func column(kind string, nulls bool, vals []driver.Value) (any, error) {
	switch kind {
	case "int64":
		if nulls {
			return fill(vals, func(v driver.Value) sql.NullInt64 {
				n, ok := v.(int64)
				return sql.NullInt64{Int64: n, Valid: ok}
			}), nil
		}
		return fill(vals, func(v driver.Value) int64 { return v.(int64) }), nil
	case "float64":
		if nulls {
			return fill(vals, func(v driver.Value) sql.NullFloat64 {
				f, ok := v.(float64)
				return sql.NullFloat64{Float64: f, Valid: ok}
			}), nil
		}
		return fill(vals, func(v driver.Value) float64 { return v.(float64) }), nil
	case "string", "":
		return fill(vals, func(v driver.Value) string { s, _ := v.(string); return s }), nil
	case "number": // Numeric values; NULL is "" as for strings
		return fill(vals, func(v driver.Value) godror.Number { n, _ := v.(godror.Number); return n }), nil
	case "[]byte":
		return fill(vals, func(v driver.Value) []byte { b, _ := v.([]byte); return b }), nil
	case "time.Time":
		if nulls {
			return fill(vals, func(v driver.Value) sql.NullTime {
				t, ok := v.(time.Time)
				return sql.NullTime{Time: t.Truncate(time.Millisecond), Valid: ok}
			}), nil
		}
		return fill(vals, func(v driver.Value) time.Time { return v.(time.Time).Truncate(time.Millisecond) }), nil
	}
	return nil, fmt.Errorf("cannot bind %s as an array", kind)
}

func fill[T any](vals []driver.Value, conv func(driver.Value) T) []T {
	out := make([]T, len(vals))
	for i, v := range vals {
		out[i] = conv(v)
	}
	return out
}
