package workflowgateway

import (
	"context"
	"database/sql"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
)

// Execution is one recorded execution of a catalog query (or a Select AI request): a query_executions
// row. SQLID is the SQL_ID of Text, the exact statement sent.
type Execution struct {
	ID         int64     `json:"id"`
	RunID      int64     `json:"run_id"`
	Query      string    `json:"query"`
	Component  string    `json:"component"`
	Mode       string    `json:"mode"`
	Action     string    `json:"action"`
	Status     string    `json:"status"`
	RowCount   int64     `json:"row_count"`
	DurationMS int64     `json:"duration_ms"`
	Error      *string   `json:"error"`
	SQLID      string    `json:"sql_id"`
	TraceID    *string   `json:"trace_id"`
	Text       string    `json:"sql_text"`
	CreatedAt  time.Time `json:"created_at"`
}

// Result is what one execution of a catalog query returned: its rows (at most the cap) and whether
// more were available.
type Result struct {
	Columns   []Column `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"`
}

// Execution statuses (query_executions.status).
const (
	statusSucceeded = "succeeded"
	statusFailed    = "failed"
)

// maxErrorBytes is query_executions.error_message's size.
const maxErrorBytes = 2000

// execute runs q with binds (the row cap last: cap rows at most are read) and returns the result
// and the execution record to write (not yet written). A failure is recorded, not returned: the
// caller decides the run's status from the records.
func execute(ctx context.Context, store db.DBTX, q Query, binds []any, rowCap int, mode string, now func() time.Time) (Result, Execution) {
	start := now()
	ex := Execution{Query: q.Name, Component: q.Component, Mode: mode, Action: "query", Text: q.SQL, SQLID: sqlid.Of(q.SQL)}
	res := Result{Columns: q.Columns, Rows: [][]any{}}
	// Ask for one row more than the cap to tell a truncated answer from a complete one.
	capped := append(binds[:len(binds)-1:len(binds)-1], rowCap+1)
	err := scanAll(ctx, store, q, capped, func(row []any) {
		if len(res.Rows) == rowCap {
			res.Truncated = true
			return
		}
		res.Rows = append(res.Rows, row)
	})
	ex.DurationMS = max(0, now().Sub(start).Milliseconds())
	ex.RowCount = int64(len(res.Rows))
	ex.Status = statusSucceeded
	if err != nil {
		msg := db.CutBytes(err.Error(), maxErrorBytes)
		ex.Status, ex.Error, ex.RowCount = statusFailed, &msg, 0
		res.Rows, res.Truncated = [][]any{}, false
	}
	return res, ex
}

func scanAll(ctx context.Context, store db.DBTX, q Query, binds []any, row func([]any)) error {
	rows, err := store.QueryContext(ctx, q.SQL, binds...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		dest, vals := scanTargets(q.Columns)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		row(vals())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// scanTargets returns scan destinations for the columns and a function reading them as JSON values
// (NULL as null: a NULL string scans as "", as godror returns it, and reads as null).
func scanTargets(cols []Column) ([]any, func() []any) {
	dest := make([]any, len(cols))
	for i, c := range cols {
		switch c.Kind {
		case Int:
			dest[i] = new(sql.NullInt64)
		case Money:
			dest[i] = new(*money.Cents)
		case Time:
			dest[i] = new(sql.NullTime)
		default:
			dest[i] = new(string)
		}
	}
	return dest, func() []any {
		out := make([]any, len(dest))
		for i, d := range dest {
			switch v := d.(type) {
			case *sql.NullInt64:
				if v.Valid {
					out[i] = v.Int64
				}
			case **money.Cents:
				if *v != nil {
					out[i] = **v
				}
			case *sql.NullTime:
				if v.Valid {
					out[i] = v.Time.UTC()
				}
			case *string:
				if *v != "" {
					out[i] = *v
				}
			}
		}
		return out
	}
}
