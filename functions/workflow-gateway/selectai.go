package workflowgateway

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// maxPromptBytes bounds a Select AI prompt (the shop's proxy allowed 1000 characters; counted in
// bytes here, as the database does).
const maxPromptBytes = 1000

// selectAIActions is the allow-list: never runsql (it would run generated SQL), nor anything else.
var selectAIActions = map[string]bool{"showsql": true, "narrate": true, "chat": true}

// selectAIRequest is the body of POST /api/workflows/select-ai.
type selectAIRequest struct {
	Prompt string `json:"prompt"`
	Action string `json:"action"`
}

// SelectAIOut is Select AI's answer.
type SelectAIOut struct {
	Action  string `json:"action"`
	Profile string `json:"profile"`
	Answer  string `json:"answer"`
}

// selectAI validates the request (400 before anything is written), asks the platform, then records
// the request as a manual run with one execution (action showsql, narrate or chat) whatever its
// outcome. On the embedded database it answers 501 and writes nothing.
func (s *Service) selectAI(w http.ResponseWriter, r *http.Request, p identity.Principal) error {
	const op = "workflow.SelectAI"
	var req selectAIRequest
	if err := web.Decode(r, &req); err != nil {
		return err
	}
	if req.Prompt == "" || len(req.Prompt) > maxPromptBytes {
		return apperr.E(op, apperr.Invalid, fmt.Sprintf("prompt must be 1 to %d bytes", maxPromptBytes))
	}
	if !selectAIActions[req.Action] {
		return apperr.E(op, apperr.Invalid, "action must be one of showsql, narrate, chat")
	}
	if s.opts.SelectAIProfile == "" {
		return apperr.E(op, apperr.Unavailable, "no Select AI profile is configured (OCTO_SELECT_AI_PROFILE)")
	}
	ctx := r.Context()
	start := s.opts.Now()
	answer, text, err := s.opts.Platform.SelectAI(ctx, req.Prompt, s.opts.SelectAIProfile, req.Action)
	if errors.Is(err, ErrSelectAIUnsupported) {
		return errNotImplemented(op)
	}
	run, rerr := openRun(ctx, s.db, "select-ai:"+req.Action, "Select AI "+req.Action, modeManual, start)
	if rerr != nil {
		return apperr.Wrap(op, apperr.Unavailable, rerr)
	}
	ex := Execution{Query: "select_ai", Component: "select-ai", Mode: modeManual, Action: req.Action, Status: statusSucceeded,
		Text: text, SQLID: sqlid.Of(text), DurationMS: max(0, s.opts.Now().Sub(start).Milliseconds())}
	if err != nil {
		msg := db.CutBytes(err.Error(), maxErrorBytes)
		ex.Status, ex.Error = statusFailed, &msg
	} else {
		ex.RowCount = 1
		run.Answer = &SelectAIOut{Action: req.Action, Profile: s.opts.SelectAIProfile, Answer: answer}
	}
	run.Executions = []Execution{ex}
	if err := s.close(ctx, &run, p, map[string]any{"action": req.Action}); err != nil {
		return apperr.Wrap(op, apperr.Unavailable, err)
	}
	web.JSON(w, http.StatusOK, run)
	return nil
}

// errNotImplemented is the embedded database's answer to Select AI.
func errNotImplemented(op string) error {
	return &apperr.Error{Op: op, Kind: apperr.NotImplemented, Err: ErrSelectAIUnsupported, Message: ErrSelectAIUnsupported.Error()}
}

// Top SQL page bounds.
const (
	defaultTopSQL = 20
	maxTopSQL     = 100
)

func (s *Service) topSQL(w http.ResponseWriter, r *http.Request, _ identity.Principal) error {
	const op = "workflow.TopSQL"
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return apperr.E(op, apperr.Invalid, "malformed query string")
	}
	limit, err := web.Limit(op, q, defaultTopSQL, maxTopSQL)
	if err != nil {
		return err
	}
	t, err := s.opts.Platform.TopSQL(r.Context(), limit)
	if err != nil {
		return apperr.Wrap(op, apperr.Unavailable, errors.Join(err, errTopSQLGrant))
	}
	web.JSON(w, http.StatusOK, t)
	return nil
}

var errTopSQLGrant = errors.New("reading V$SQLAREA needs SELECT ON V_$SQLAREA granted by ADMIN (schema/oracle/admin/select_ai_profile.sql)")
