// Package workflowgateway is the workflow-gateway function: the ops staff's query lab over a fixed
// catalog of named read-only queries (catalog.go), a scheduled health sweep, Select AI and the
// bundle's top SQL, with honest records of everything it runs.
//
//	GET  /api/workflows/queries              the catalog
//	POST /api/workflows/queries/{name}/run   {"params": {...}, "max_rows": n} -> rows + the execution
//	GET  /api/workflows/runs[?limit&cursor]  runs, newest first (keyset)
//	GET  /api/workflows/runs/{id}            a run with its executions and component snapshots
//	GET  /api/workflows/components           the latest snapshot of each component
//	POST /api/workflows/select-ai            {"prompt", "action": showsql|narrate|chat} (ATP only)
//	GET  /api/workflows/sql                  top SQL by SQL_ID (ATP: V$SQLAREA; embedded: this process)
//	POST /_invoke                            the scheduled sweep (Resource Scheduler, plain POST)
//
// Decisions:
//   - Every execution writes query_executions with the SQL_ID of the exact text sent (package sqlid,
//     the same value `octo sqlid` prints), linked to its workflow_runs row; a run is opened as
//     running (committed at once) and closed with the status its executions and probes earned:
//     succeeded, partial or failed. A failed query is a recorded outcome, not a 500.
//   - The sweep takes the workflow_locks row "sweep" with one conditional UPDATE (expires_at <= now)
//     whose row count decides; an invocation that finds it held answers skipped and writes nothing.
//     The lease outlives the function's timeout, so a dead sweep's lock expires by itself.
//   - What differs between ATP and the embedded database (Select AI, where top SQL comes from) lives
//     behind Platform, chosen once in main; nothing here branches on the dialect.
//   - Every route needs the staff permission ops; the function checks it too, not only the gateway.
package workflowgateway

import (
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "workflow-gateway"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Options configures the service beyond its database.
type Options struct {
	// Platform answers Select AI and top SQL (OraclePlatform or EmbeddedPlatform, chosen in main).
	Platform Platform
	// SelectAIProfile is the DBMS_CLOUD_AI profile (OCTO_SELECT_AI_PROFILE).
	SelectAIProfile string
	// Probes are the components the sweep checks besides the database (see ProbesFromEnv).
	Probes []Probe
	// Catalog replaces Catalog() (tests add a failing entry).
	Catalog []Query
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// LockLease is how long a sweep holds its lock at most (DefaultLockLease when 0).
	LockLease time.Duration
	// HTTPClient makes the probes' requests (a client with ProbeTimeout when nil).
	HTTPClient *http.Client
}

// Service serves the workflow routes.
type Service struct {
	db   *sql.DB
	log  *slog.Logger
	opts Options
}

// New returns the function's handler.
func New(store *sql.DB, log *slog.Logger, opts Options) (http.Handler, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Catalog == nil {
		opts.Catalog = Catalog()
	}
	if opts.LockLease <= 0 {
		opts.LockLease = DefaultLockLease
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: ProbeTimeout}
	}
	if log == nil {
		log = slog.Default()
	}
	s := &Service{db: store, log: log, opts: opts}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/workflows/queries":             s.ops(s.listQueries),
		"POST /api/workflows/queries/{name}/run": s.ops(s.runQuery),
		"GET /api/workflows/runs":                s.ops(s.listRuns),
		"GET /api/workflows/runs/{id}":           s.ops(s.getRun),
		"GET /api/workflows/components":          s.ops(s.components),
		"POST /api/workflows/select-ai":          s.ops(s.selectAI),
		"GET /api/workflows/sql":                 s.ops(s.topSQL),
		web.InvokePattern:                        s.sweepHandler,
	})
}

// ops refuses a caller without the ops permission (the gateway checks it as well).
func (s *Service) ops(h func(http.ResponseWriter, *http.Request, identity.Principal) error) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := identity.FromRequest(r)
		if err != nil {
			return err
		}
		if !p.HasPermission(manifest.Ops) {
			return apperr.E("workflow.Ops", apperr.Forbidden, "the ops permission is required")
		}
		w.Header().Set("Cache-Control", "no-store")
		return h(w, r, p)
	}
}

// QueryList is GET /api/workflows/queries's answer: the catalog and the row cap of any run.
type QueryList struct {
	Items   []Query `json:"items"`
	MaxRows int     `json:"max_rows"`
}

// ComponentList is GET /api/workflows/components's answer: each component's latest probe.
type ComponentList struct {
	Items []Snapshot `json:"items"`
}

func (s *Service) listQueries(w http.ResponseWriter, _ *http.Request, _ identity.Principal) error {
	items := make([]Query, len(s.opts.Catalog))
	for i, q := range s.opts.Catalog {
		if q.Params == nil {
			q.Params = []Param{}
		}
		items[i] = q
	}
	web.JSON(w, http.StatusOK, QueryList{Items: items, MaxRows: MaxRows})
	return nil
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above.
var Contract = []contract.Operation{
	{Route: "GET /api/workflows/queries", Response: QueryList{}},
	{Route: "POST /api/workflows/queries/{name}/run", Request: runRequest{}, BodyOptional: true, Response: Run{}},
	{Route: "GET /api/workflows/runs", Response: RunPage{}, Query: []string{"cursor", "limit"}},
	{Route: "GET /api/workflows/runs/{id}", Response: Run{}},
	{Route: "GET /api/workflows/components", Response: ComponentList{}},
	{Route: "POST /api/workflows/select-ai", Request: selectAIRequest{}, Response: Run{}, Errors: []int{501}},
	{Route: "GET /api/workflows/sql", Response: TopSQL{}, Query: []string{"limit"}},
}
