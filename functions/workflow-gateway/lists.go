package workflowgateway

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Page size bounds of the runs list.
const (
	defaultLimit = 20
	maxLimit     = 100
	// maxChildren bounds the executions and snapshots a run's detail lists (a sweep writes a few).
	maxChildren = 200
)

// RunPage is one page of runs, newest first.
type RunPage struct {
	Items      []Run   `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

const runColumns = `r.id, r.run_key, r.label, r.run_mode, r.status, r.summary, r.duration_ms, r.trace_id, r.started_at, r.finished_at`

// listRunsSQL is one page of runs: :1 = 1 on the first page, :2..:4 the keyset (started_at twice,
// id), :5 the page size plus one.
const listRunsSQL = `SELECT ` + runColumns + `
FROM workflow_runs r
WHERE (:1 = 1 OR r.started_at < :2 OR (r.started_at = :3 AND r.id < :4))
ORDER BY r.started_at DESC, r.id DESC
FETCH FIRST :5 ROWS ONLY`

const getRunSQL = `SELECT ` + runColumns + ` FROM workflow_runs r WHERE r.id = :1`

const runExecutionsSQL = `SELECT e.id, e.query_name, e.component, e.schedule_mode, e.action, e.status, e.row_count, e.duration_ms,
    e.error_message, e.sql_id, e.trace_id, e.query_text, e.created_at
FROM query_executions e
WHERE e.workflow_run_id = :1
ORDER BY e.id
FETCH FIRST :2 ROWS ONLY`

const runSnapshotsSQL = `SELECT s.id, s.component, s.component_type, s.status, s.latency_ms, s.details, s.created_at
FROM component_snapshots s
WHERE s.workflow_run_id = :1
ORDER BY s.id
FETCH FIRST :2 ROWS ONLY`

// latestSnapshotsSQL is the newest snapshot of each component (ids grow with time), one statement.
const latestSnapshotsSQL = `SELECT s.id, s.component, s.component_type, s.status, s.latency_ms, s.details, s.created_at, s.workflow_run_id
FROM component_snapshots s
WHERE s.id = (SELECT MAX(s2.id) FROM component_snapshots s2 WHERE s2.component = s.component)
ORDER BY s.component
FETCH FIRST :1 ROWS ONLY`

func (s *Service) listRuns(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	const op = "workflow.ListRuns"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	req, err := web.ParseNewestFirst(op, q, defaultLimit, maxLimit)
	if err != nil {
		return err
	}
	first, at, id := req.Keyset()
	page := RunPage{Items: []Run{}}
	err = db.Each(r.Context(), s.db, listRunsSQL, []any{first, at, at, id, req.Limit + 1}, func(scan func(...any) error) error {
		run, err := scanRun(scan)
		page.Items = append(page.Items, run)
		return err
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	page.Items, page.NextCursor, err = web.Next(req, page.Items, func(r Run) (time.Time, int64) { return r.StartedAt, r.ID })
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, page)
	return nil
}

// getRun answers a run with its executions and snapshots: three statements whatever its size.
func (s *Service) getRun(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	const op = "workflow.GetRun"
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return apperr.E(op, apperr.NotFound, "run not found")
	}
	ctx := r.Context()
	run, err := scanRun(s.db.QueryRowContext(ctx, getRunSQL, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.E(op, apperr.NotFound, "run not found")
	}
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	run.Executions = []Execution{}
	err = db.Each(ctx, s.db, runExecutionsSQL, []any{id, maxChildren}, func(scan func(...any) error) error {
		e := Execution{RunID: id}
		var errMsg, trace string
		if err := scan(&e.ID, &e.Query, &e.Component, &e.Mode, &e.Action, &e.Status, &e.RowCount, &e.DurationMS,
			&errMsg, &e.SQLID, &trace, &e.Text, &e.CreatedAt); err != nil {
			return err
		}
		e.Error, e.TraceID = strPtr(errMsg), strPtr(trace)
		run.Executions = append(run.Executions, e)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	run.Components = []Snapshot{}
	err = db.Each(ctx, s.db, runSnapshotsSQL, []any{id, maxChildren}, func(scan func(...any) error) error {
		snap := Snapshot{RunID: id}
		var details string
		if err := scan(&snap.ID, &snap.Component, &snap.Type, &snap.Status, &snap.LatencyMS, &details, &snap.CreatedAt); err != nil {
			return err
		}
		snap.Details = decodeDetails(details)
		run.Components = append(run.Components, snap)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, run)
	return nil
}

func (s *Service) components(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	const op = "workflow.Components"
	items := []Snapshot{}
	err := db.Each(r.Context(), s.db, latestSnapshotsSQL, []any{maxChildren}, func(scan func(...any) error) error {
		var snap Snapshot
		var details string
		var runID sql.NullInt64
		if err := scan(&snap.ID, &snap.Component, &snap.Type, &snap.Status, &snap.LatencyMS, &details, &snap.CreatedAt, &runID); err != nil {
			return err
		}
		snap.RunID = runID.Int64
		snap.Details = decodeDetails(details)
		items = append(items, snap)
		return nil
	})
	if err != nil {
		return apperr.Wrap(op, apperr.Internal, err)
	}
	web.JSON(w, http.StatusOK, ComponentList{Items: items})
	return nil
}

func scanRun(scan func(...any) error) (Run, error) {
	var r Run
	var label, summary, trace string
	var dur sql.NullInt64
	var fin sql.NullTime
	if err := scan(&r.ID, &r.Key, &label, &r.Mode, &r.Status, &summary, &dur, &trace, &r.StartedAt, &fin); err != nil {
		return Run{}, err
	}
	r.Label, r.Summary, r.TraceID = label, summary, strPtr(trace)
	if dur.Valid {
		r.DurationMS = &dur.Int64
	}
	if fin.Valid {
		t := fin.Time.UTC()
		r.FinishedAt = &t
	}
	r.StartedAt = r.StartedAt.UTC()
	return r, nil
}

func decodeDetails(s string) map[string]any {
	out := map[string]any{}
	if s != "" {
		_ = json.Unmarshal([]byte(s), &out) // the column is checked IS JSON
	}
	return out
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
