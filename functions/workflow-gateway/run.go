package workflowgateway

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// runRequest is the body of POST /api/workflows/queries/{name}/run (the body is optional).
type runRequest struct {
	Params  map[string]any `json:"params"`
	MaxRows *int           `json:"max_rows"`
}

// runQuery runs one catalog query as a manual run: the run is opened, the query executed, and the
// execution, the run's outcome and the audit row written in one transaction. The answer is 200 with
// the run (its execution and rows) whatever the query's outcome: a failed query is a failed run.
func (s *Service) runQuery(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	const op = "workflow.RunQuery"
	q, ok := lookup(s.opts.Catalog, r.PathValue("name"))
	if !ok {
		return apperr.E(op, apperr.NotFound, "no such query in the catalog")
	}
	var req runRequest
	if r.ContentLength != 0 {
		if err := web.Decode(r, &req); err != nil {
			return err
		}
	}
	rowCap := DefaultRows
	if req.MaxRows != nil {
		if *req.MaxRows < 1 || *req.MaxRows > MaxRows {
			return apperr.E(op, apperr.Invalid, fmt.Sprintf("max_rows must be from 1 to %d", MaxRows))
		}
		rowCap = *req.MaxRows
	}
	given, err := paramStrings(op, req.Params)
	if err != nil {
		return err
	}
	binds, err := q.binds(op, given, rowCap, s.opts.Now())
	if err != nil {
		return err
	}
	ctx := r.Context()
	run, err := openRun(ctx, s.db, "query:"+q.Name, q.Label, modeManual, s.opts.Now())
	if err != nil {
		return apperr.Wrap(op, apperr.Unavailable, err)
	}
	res, ex := execute(ctx, s.db, q, binds, rowCap, modeManual, s.opts.Now)
	run.Executions = []Execution{ex}
	run.Result = &res
	if err := s.close(ctx, &run, p, nil); err != nil {
		return apperr.Wrap(op, apperr.Unavailable, err)
	}
	web.JSON(w, http.StatusOK, run)
	return nil
}

// close writes a run's executions (filling their ids), its snapshots and its outcome, with an audit
// row when a staff member started it (p.ID set), in one transaction.
func (s *Service) close(ctx context.Context, run *Run, p identity.Principal, audit map[string]any) error {
	return db.InTx(ctx, s.db, func(ctx context.Context, tx *sql.Tx) error {
		for i := range run.Executions {
			if err := recordExecution(ctx, tx, *run, &run.Executions[i], s.opts.Now()); err != nil {
				return err
			}
		}
		for i := range run.Components {
			if err := recordSnapshot(ctx, tx, *run, &run.Components[i], s.opts.Now()); err != nil {
				return err
			}
		}
		if err := finishRun(ctx, tx, run, s.opts.Now()); err != nil {
			return err
		}
		if p.ID == "" {
			return nil
		}
		details := map[string]any{"key": run.Key, "status": run.Status}
		for k, v := range audit {
			details[k] = v
		}
		// Who: the principal the security middleware read from the gateway's headers (and its account).
		return security.Audit(ctx, tx, security.Entry{Action: "workflow.run", EntityType: "workflow_run",
			EntityID: strconv.FormatInt(run.ID, 10), Details: details})
	})
}

// paramStrings reads the request's parameters as text: strings as given, integral numbers in
// decimal; anything else is refused.
func paramStrings(op string, in map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for k, v := range in {
		switch x := v.(type) {
		case string:
			out[k] = x
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1e15 {
				return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("parameter %s: want an integer", k))
			}
			out[k] = strconv.FormatInt(int64(x), 10)
		default:
			return nil, apperr.E(op, apperr.Invalid, fmt.Sprintf("parameter %s: want a string or an integer", k))
		}
	}
	return out, nil
}
