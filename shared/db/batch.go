package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/godror/godror"
)

// sqliteMaxBinds is SQLite's default SQLITE_MAX_VARIABLE_NUMBER (since 3.32).
const sqliteMaxBinds = 32766

// execBatch runs query once per row of binds as one instrumented statement (one span with
// db.operation.batch.size, one measurement) and returns the total rows affected.
//
// On Oracle it is one round trip: the rows are turned into one typed slice per column (array DML) and
// bound to a single ExecContext. On SQLite an INSERT ... VALUES (tuple) becomes one multi-row
// INSERT ... VALUES (tuple), (tuple), ... (split when it would exceed SQLite's bind limit); any other
// statement is prepared once and executed per row in process.
//
// All rows or none, on both: inside a Tx the caller's rollback undoes a failed batch. Outside one, an
// Oracle array DML that fails at row k has already applied rows 0..k-1 (godror does not use batch
// errors, and in auto-commit they would be committed), so it runs in its own transaction; so does a
// SQLite batch that needs more than one statement (a single statement is atomic by itself).
func (d *DB) execBatch(ctx context.Context, t *Tx, query string, rows [][]any) (int64, error) {
	st := d.stmt(query)
	c := d.begin(ctx, st)
	if st.err != nil {
		return 0, c.end(-1, "", len(rows), st.err)
	}
	if st.intoBinds > 0 {
		return 0, c.end(-1, "", len(rows), errors.New("db.ExecBatch: RETURNING ... INTO cannot be batched"))
	}
	if len(rows) == 0 {
		return 0, c.end(0, keyAffectedRows, 0, nil)
	}
	width := len(rows[0])
	for i, r := range rows {
		if len(r) != width {
			return 0, c.end(-1, "", len(rows), fmt.Errorf("db.ExecBatch: row %d has %d values, row 0 has %d", i, len(r), width))
		}
	}
	q, err := c.target(t)
	if err != nil {
		return 0, c.end(-1, "", len(rows), err)
	}
	var n int64
	if d.dialect == Oracle {
		n, err = d.oracleBatch(c.ctx, q, t != nil, st.text, rows)
	} else {
		n, err = d.sqliteBatch(c.ctx, q, t != nil, st, rows)
	}
	if err != nil {
		return 0, c.end(-1, "", len(rows), err)
	}
	return n, c.end(n, keyAffectedRows, len(rows), nil)
}

func (*DB) oracleBatch(ctx context.Context, q querier, inTx bool, text string, rows [][]any) (int64, error) {
	cols, err := arrayBinds(rows)
	if err != nil {
		return 0, err
	}
	run := func(q querier) (int64, error) {
		res, err := q.ExecContext(ctx, text, cols...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	if inTx {
		return run(q)
	}
	return atomically(ctx, q, run)
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
			if n, ok := r[j].(Numeric); ok {
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

func (d *DB) sqliteBatch(ctx context.Context, q querier, inTx bool, st *stmt, rows [][]any) (int64, error) {
	var chunk int
	if st.batch != nil && st.batch.binds > 0 {
		chunk = max(1, sqliteMaxBinds/st.batch.binds)
	}
	if chunk >= len(rows) {
		return execMultiRow(ctx, q, st.batch, rows, d)
	}
	run := func(q querier) (int64, error) {
		if st.batch != nil && st.batch.binds > 0 {
			var total int64
			for start := 0; start < len(rows); start += chunk {
				n, err := execMultiRow(ctx, q, st.batch, rows[start:min(start+chunk, len(rows))], d)
				if err != nil {
					return 0, err
				}
				total += n
			}
			return total, nil
		}
		return execPerRow(ctx, q, st.text, rows, d)
	}
	if inTx {
		return run(q)
	}
	return atomically(ctx, q, run)
}

// atomically runs fn in a transaction begun on the pool or the scope connection q.
func atomically(ctx context.Context, q querier, fn func(querier) (int64, error)) (int64, error) {
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

// execMultiRow runs one INSERT with a VALUES tuple per row, binds renumbered row by row.
func execMultiRow(ctx context.Context, q querier, b *batchInsert, rows [][]any, d *DB) (int64, error) {
	var sb strings.Builder
	sb.WriteString(b.prefix)
	args := make([]any, 0, len(rows)*b.binds)
	for r, row := range rows {
		if len(row) != b.binds {
			return 0, fmt.Errorf("db.ExecBatch: row %d has %d values, the statement binds %d", r, len(row), b.binds)
		}
		if r > 0 {
			sb.WriteString(", ")
		}
		for i, num := range b.nums {
			sb.WriteString(b.parts[i])
			sb.WriteByte('?')
			sb.WriteString(strconv.Itoa(r*b.binds + num))
		}
		sb.WriteString(b.parts[len(b.parts)-1])
		args = append(args, d.bind(row[:b.binds])...)
	}
	res, err := q.ExecContext(ctx, sb.String(), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// execPerRow prepares text once and executes it for every row.
func execPerRow(ctx context.Context, q querier, text string, rows [][]any, d *DB) (int64, error) {
	ps, err := q.PrepareContext(ctx, text)
	if err != nil {
		return 0, err
	}
	defer ps.Close()
	var total int64
	for i, row := range rows {
		res, err := ps.ExecContext(ctx, d.bind(row)...)
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
