package workflowgateway

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/oracle"
)

// Platform is what differs between ATP and the embedded database for this function, chosen once at
// composition (cmd/workflow-gateway): Select AI exists only on ATP, and the bundle's SQL statistics
// come from V$SQLAREA there and from the data layer's own counters locally.
type Platform interface {
	// SelectAI asks DBMS_CLOUD_AI.GENERATE for action (already allow-listed) on prompt with the
	// profile; it returns ErrSelectAIUnsupported where there is no Select AI. text is the statement
	// sent, for the execution record.
	SelectAI(ctx context.Context, prompt, profile, action string) (answer string, text string, err error)
	// TopSQL returns at most limit statements, most elapsed time first.
	TopSQL(ctx context.Context, limit int) (TopSQL, error)
}

// ErrSelectAIUnsupported is SelectAI's answer on the embedded database.
var ErrSelectAIUnsupported = errors.New("this deployment runs on the embedded database: Select AI (DBMS_CLOUD_AI) exists only on Autonomous Database")

// TopSQL is the answer of GET /api/workflows/sql.
type TopSQL struct {
	Source string     `json:"source"` // "v$sqlarea" or "process"
	Note   string     `json:"note"`
	Items  []SQLStat  `json:"items"`
	Since  *time.Time `json:"since,omitempty"`
	Filter []string   `json:"modules,omitempty"`
}

// SQLStat is one statement by SQL_ID.
type SQLStat struct {
	SQLID      string  `json:"sql_id"`
	Module     string  `json:"module,omitempty"`
	Action     string  `json:"action,omitempty"`
	Executions int64   `json:"executions"`
	ElapsedMS  float64 `json:"elapsed_ms"`
	Rows       int64   `json:"rows_processed"`
	Text       string  `json:"sql_text"`
}

// Querier is the slice of the data layer the Oracle platform uses: one row of text, and rows. A
// recording fake stands in for it in tests, which assert the exact statements and binds.
type Querier interface {
	QueryText(ctx context.Context, query string, args ...any) (string, error)
	QueryRows(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error
}

// DBQuerier adapts the data layer to Querier.
type DBQuerier struct{ DB db.DBTX }

// QueryText runs a query returning one text value (a CLOB read as a string).
func (q DBQuerier) QueryText(ctx context.Context, query string, args ...any) (string, error) {
	var s string
	err := q.DB.QueryRowContext(ctx, query, args...).Scan(&s)
	return s, err
}

// QueryRows runs a query and calls row for each result row.
func (q DBQuerier) QueryRows(ctx context.Context, query string, args []any, row func(scan func(...any) error) error) error {
	return db.Each(ctx, q.DB, query, args, row)
}

// OraclePlatform is Platform on ATP.
type OraclePlatform struct {
	Q       Querier
	Modules []string // the bundle's session MODULE values (OCTO_SERVICE_NAME)
}

// SelectAI runs DBMS_CLOUD_AI.GENERATE.
func (o OraclePlatform) SelectAI(ctx context.Context, prompt, profile, action string) (string, string, error) {
	out, err := o.Q.QueryText(ctx, oracle.SelectAISQL, prompt, profile, action)
	return out, oracle.SelectAISQL, err
}

// TopSQL reads V$SQLAREA for the bundle's MODULE values.
func (o OraclePlatform) TopSQL(ctx context.Context, limit int) (TopSQL, error) {
	t := TopSQL{Source: "v$sqlarea", Filter: o.Modules, Items: []SQLStat{},
		Note: "the instance's shared pool (what Performance Hub shows), the bundle's sessions only (MODULE)"}
	err := o.Q.QueryRows(ctx, oracle.TopSQLSQL, []any{strings.Join(o.Modules, ","), limit}, func(scan func(...any) error) error {
		var s SQLStat
		var elapsedMicros int64
		if err := scan(&s.SQLID, &s.Module, &s.Action, &s.Executions, &elapsedMicros, &s.Rows, &s.Text); err != nil {
			return err
		}
		s.ElapsedMS = float64(elapsedMicros) / 1000
		t.Items = append(t.Items, s)
		return nil
	})
	return t, err
}

// EmbeddedPlatform is Platform on the embedded database: no Select AI, and the statistics the data
// layer keeps for this process.
type EmbeddedPlatform struct {
	DB      *sql.DB
	Started time.Time
}

// SelectAI is unsupported.
func (EmbeddedPlatform) SelectAI(context.Context, string, string, string) (string, string, error) {
	return "", "", ErrSelectAIUnsupported
}

// TopSQL lists what this process ran (db.Statements).
func (e EmbeddedPlatform) TopSQL(_ context.Context, limit int) (TopSQL, error) {
	since := e.Started.UTC()
	t := TopSQL{Source: "process", Since: &since, Items: []SQLStat{},
		Note: "embedded database: statements run by this workflow-gateway process since it started, counted by the data layer; not the database's view, and other functions' processes are not included"}
	for _, st := range db.Statements(e.DB) {
		if len(t.Items) == limit {
			break
		}
		t.Items = append(t.Items, SQLStat{SQLID: st.SQLID, Executions: st.Executions,
			ElapsedMS: float64(st.Elapsed.Microseconds()) / 1000, Rows: st.Rows, Text: db.CutBytes(st.Text, 1000)})
	}
	return t, nil
}
