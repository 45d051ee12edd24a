package db

import (
	"context"
	"errors"
	"fmt"
)

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
	n, err := d.dialect.ExecBatch(c.ctx, q, st.prepared, rows, t != nil)
	if err != nil {
		return 0, c.end(-1, "", len(rows), err)
	}
	return n, c.end(n, keyAffectedRows, len(rows), nil)
}
