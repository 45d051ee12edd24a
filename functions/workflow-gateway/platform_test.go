package workflowgateway

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
)

func TestSelectAISendsGenerateWithTheProfileAndAction(t *testing.T) {
	rec := &recorder{answer: "SELECT COUNT(*) FROM orders"}
	f := newFixture(t, Options{Platform: OraclePlatform{Q: rec, Modules: []string{"octo-drone-shop"}}, SelectAIProfile: "SHOP_PROFILE"})
	res := f.serve("POST", "/api/workflows/select-ai", `{"prompt": "how many orders are pending?", "action": "showsql"}`)
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if len(rec.calls) != 1 {
		t.Fatalf("%d statements sent", len(rec.calls))
	}
	const want = `SELECT DBMS_CLOUD_AI.GENERATE(prompt => :1, profile_name => :2, action => :3) FROM dual`
	c := rec.calls[0]
	if c.query != want || !slices.Equal(c.args, []any{"how many orders are pending?", "SHOP_PROFILE", "showsql"}) {
		t.Fatalf("sent %q with %v", c.query, c.args)
	}
	var run Run
	dbtest.Decode(t, res.Body, &run)
	if run.Answer == nil || run.Answer.Answer != rec.answer || run.Status != "succeeded" {
		t.Fatalf("run = %+v", run)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM query_executions WHERE workflow_run_id = :1 AND action = 'showsql' AND sql_id = :2 AND status = 'succeeded'`,
		run.ID, sqlid.Of(want)); n != 1 {
		t.Fatal("Select AI execution not recorded")
	}

	// A failure of the database call is a failed run, recorded.
	rec.err = errors.New("ORA-20000: profile not found")
	res = f.serve("POST", "/api/workflows/select-ai", `{"prompt": "narrate the backlog", "action": "narrate"}`)
	dbtest.Decode(t, res.Body, &run)
	if res.Status != http.StatusOK || run.Status != "failed" || run.Executions[0].Error == nil {
		t.Fatalf("failed call: %d %+v", res.Status, run)
	}
}

func TestSelectAIRefusesRunsqlAndBadPrompts(t *testing.T) {
	rec := &recorder{}
	f := newFixture(t, Options{Platform: OraclePlatform{Q: rec}})
	before := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`)
	for _, body := range []string{
		`{"prompt": "drop everything", "action": "runsql"}`,
		`{"prompt": "explain", "action": "explainsql"}`,
		`{"prompt": "hi", "action": "SHOWSQL"}`,
		`{"prompt": "", "action": "chat"}`,
		`{"prompt": "` + strings.Repeat("é", 501) + `", "action": "chat"}`, // 1002 bytes
		`{"prompt": "hi"}`,
	} {
		if res := f.serve("POST", "/api/workflows/select-ai", body); res.Status != http.StatusBadRequest {
			t.Errorf("%.60s: status %d, want 400", body, res.Status)
		}
	}
	if len(rec.calls) != 0 || f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`) != before {
		t.Fatalf("a refused request reached the database (%d calls)", len(rec.calls))
	}
}

func TestSelectAIOnTheEmbeddedDatabaseIs501(t *testing.T) {
	f := newFixture(t, Options{})
	before := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`)
	res := f.serve("POST", "/api/workflows/select-ai", `{"prompt": "hi", "action": "chat"}`)
	if res.Status != http.StatusNotImplemented || dbtest.ErrorCode(t, res.Body) != "not_implemented" || !strings.Contains(string(res.Body), "Autonomous Database") {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`) != before {
		t.Fatal("a run was written")
	}
}

func TestTopSQLOnOracleReadsVSQLAreaForTheBundlesModules(t *testing.T) {
	rec := &recorder{rows: [][]any{{"abcd1234efgh5", "octo-drone-shop", "GET /api/products", int64(10), int64(2500), int64(40), "SELECT 1 FROM dual"}}}
	f := newFixture(t, Options{Platform: OraclePlatform{Q: rec, Modules: []string{"octo-drone-shop", "octo-crm"}}})
	res := f.serve("GET", "/api/workflows/sql?limit=5", "")
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	c := rec.calls[0]
	if !strings.Contains(c.query, "FROM v$sqlarea a") || !strings.Contains(c.query, "a.module") || !slices.Equal(c.args, []any{"octo-drone-shop,octo-crm", 5}) {
		t.Fatalf("sent %q with %v", c.query, c.args)
	}
	var top TopSQL
	dbtest.Decode(t, res.Body, &top)
	if top.Source != "v$sqlarea" || len(top.Items) != 1 || top.Items[0].ElapsedMS != 2.5 || top.Items[0].Executions != 10 {
		t.Fatalf("answer = %+v", top)
	}
}

func TestTopSQLOnTheEmbeddedDatabaseIsThisProcesssStatistics(t *testing.T) {
	f := newFixture(t, Options{})
	if res := f.serve("POST", "/api/workflows/queries/orders_backlog/run", ""); res.Status != http.StatusOK {
		t.Fatal(res.Status)
	}
	res := f.serve("GET", "/api/workflows/sql?limit=100", "")
	var top TopSQL
	dbtest.Decode(t, res.Body, &top)
	if top.Source != "process" || !strings.Contains(top.Note, "embedded database") {
		t.Fatalf("answer not labelled: %+v", top)
	}
	q, _ := lookup(Catalog(), "orders_backlog")
	for _, s := range top.Items {
		if s.SQLID == sqlid.Of(q.SQL) && s.Executions >= 1 {
			return
		}
	}
	t.Fatalf("orders_backlog (%s) not in %+v", sqlid.Of(q.SQL), top.Items)
}
