package workflowgateway

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// Run is one recorded run (a workflow_runs row): a manual query run, a Select AI request or a
// scheduled sweep, with its real outcome.
type Run struct {
	ID         int64        `json:"id"`
	Key        string       `json:"key"`
	Label      string       `json:"label"`
	Mode       string       `json:"mode"`
	Status     string       `json:"status"`
	Summary    string       `json:"summary"`
	DurationMS *int64       `json:"duration_ms"`
	TraceID    *string      `json:"trace_id"`
	StartedAt  time.Time    `json:"started_at"`
	FinishedAt *time.Time   `json:"finished_at"`
	Executions []Execution  `json:"executions,omitempty"`
	Components []Snapshot   `json:"components,omitempty"`
	Result     *Result      `json:"result,omitempty"`
	Answer     *SelectAIOut `json:"select_ai,omitempty"`
}

// Run modes (workflow_runs.run_mode, query_executions.schedule_mode).
const (
	modeManual    = "manual"
	modeScheduled = "scheduled"
)

// insertRunSQL opens a run as running; started_at is bound (the runs list pages by it).
const insertRunSQL = `INSERT INTO workflow_runs (run_key, label, run_mode, status, trace_id, started_at)
VALUES (:1, :2, :3, 'running', :4, :5) RETURNING id INTO :6`

// finishRunSQL closes a run with its outcome.
const finishRunSQL = `UPDATE workflow_runs SET status = :1, summary = :2, duration_ms = :3, finished_at = :4
WHERE id = :5 AND status = 'running'`

// insertExecutionSQL records one execution, linked to its run.
const insertExecutionSQL = `INSERT INTO query_executions (workflow_run_id, query_name, component, schedule_mode, action, status,
    row_count, duration_ms, error_message, sql_id, trace_id, query_text, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10, :11, :12, :13) RETURNING id INTO :14`

// traceID returns the trace id of ctx's span, or "" (stored as NULL).
func traceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}

// openRun writes a running run and returns it; it is committed at once, so a run whose process dies
// stays visible as running rather than vanishing.
func openRun(ctx context.Context, store db.DBTX, key, label, mode string, now time.Time) (Run, error) {
	r := Run{Key: key, Label: label, Mode: mode, Status: "running", StartedAt: now.UTC().Truncate(time.Millisecond)}
	tid := traceID(ctx)
	if tid != "" {
		r.TraceID = &tid
	}
	id, err := db.InsertReturningID(ctx, store, insertRunSQL, key, label, mode, tid, r.StartedAt)
	if err != nil {
		return Run{}, err
	}
	r.ID = id
	return r, nil
}

// recordExecution writes ex for run r (in the caller's transaction) and fills its id and link.
func recordExecution(ctx context.Context, tx db.DBTX, r Run, ex *Execution, now time.Time) error {
	ex.RunID = r.ID
	ex.CreatedAt = now.UTC().Truncate(time.Millisecond)
	tid := traceID(ctx)
	if tid != "" {
		ex.TraceID = &tid
	}
	var errMsg string
	if ex.Error != nil {
		errMsg = *ex.Error
	}
	id, err := db.InsertReturningID(ctx, tx, insertExecutionSQL, r.ID, ex.Query, ex.Component, ex.Mode, ex.Action, ex.Status,
		ex.RowCount, ex.DurationMS, errMsg, ex.SQLID, tid, ex.Text, ex.CreatedAt)
	if err != nil {
		return err
	}
	ex.ID = id
	return nil
}

// finishRun decides r's status from its executions and snapshots (succeeded when all executions
// succeeded and no component is down; failed when every execution failed; partial otherwise) and
// writes it in the caller's transaction.
func finishRun(ctx context.Context, tx db.DBTX, r *Run, now time.Time) error {
	failed, down := 0, 0
	for _, e := range r.Executions {
		if e.Status != statusSucceeded {
			failed++
		}
	}
	for _, s := range r.Components {
		if s.Status == componentDown {
			down++
		}
	}
	n := len(r.Executions)
	switch {
	case n > 0 && failed == n:
		r.Status = "failed"
	case failed > 0 || down > 0:
		r.Status = "partial"
	default:
		r.Status = "succeeded"
	}
	r.Summary = fmt.Sprintf("%d of %d executions succeeded", n-failed, n)
	if len(r.Components) > 0 {
		r.Summary += fmt.Sprintf("; %d of %d components down", down, len(r.Components))
	}
	fin := now.UTC().Truncate(time.Millisecond)
	d := max(0, fin.Sub(r.StartedAt).Milliseconds())
	r.DurationMS, r.FinishedAt = &d, &fin
	res, err := tx.ExecContext(ctx, finishRunSQL, r.Status, r.Summary, d, fin, r.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err == nil && n != 1 {
		return fmt.Errorf("run %d is no longer running", r.ID)
	}
	return nil
}
