package workflowgateway

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/web"
)

func TestEveryCatalogQueryRunsAndRecordsALinkedExecution(t *testing.T) {
	f := newFixture(t, Options{})
	for _, q := range Catalog() {
		t.Run(q.Name, func(t *testing.T) {
			res := f.serve("POST", "/api/workflows/queries/"+q.Name+"/run", `{"max_rows": 5}`)
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			var run Run
			dbtest.Decode(t, res.Body, &run)
			if run.Status != "succeeded" || run.Mode != "manual" || len(run.Executions) != 1 || run.Result == nil {
				t.Fatalf("run = %+v", run)
			}
			ex := run.Executions[0]
			if ex.Status != "succeeded" || ex.RunID != run.ID || ex.ID == 0 || int(ex.RowCount) != len(run.Result.Rows) || len(run.Result.Rows) > 5 {
				t.Fatalf("execution = %+v, %d rows", ex, len(run.Result.Rows))
			}
			var stored, storedID, status string
			var runID int64
			if err := f.db.QueryRowContext(t.Context(), `SELECT query_text, sql_id, workflow_run_id, status FROM query_executions WHERE id = :1`, ex.ID).
				Scan(&stored, &storedID, &runID, &status); err != nil {
				t.Fatal(err)
			}
			if stored != q.SQL || storedID != sqlid.Of(stored) || storedID != ex.SQLID || runID != run.ID || status != "succeeded" {
				t.Fatalf("stored execution: sql_id %s (sqlid of text %s), run %d (want %d), status %s", storedID, sqlid.Of(stored), runID, run.ID, status)
			}
			if got := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs WHERE id = :1 AND status = 'succeeded' AND finished_at IS NOT NULL AND duration_ms >= 0`, run.ID); got != 1 {
				t.Fatal("run not recorded as succeeded")
			}
			if got := f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'workflow.run' AND entity_id = :1 AND actor_user_id = 1 AND actor = 'user:1'`, fmt.Sprint(run.ID)); got != 1 {
				t.Fatalf("audit rows = %d", got)
			}
		})
	}
}

func TestQueriesAnswerRowsWithTheirTypes(t *testing.T) {
	f := newFixture(t, Options{})
	res := f.serve("POST", "/api/workflows/queries/inventory_watch/run", `{"params": {"max_stock": 1000}}`)
	var run Run
	dbtest.Decode(t, res.Body, &run)
	if res.Status != http.StatusOK || len(run.Result.Rows) == 0 {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	for _, row := range run.Result.Rows {
		if stock, ok := row[3].(float64); !ok || stock > 1000 {
			t.Fatalf("row %v: stock not a number <= 1000", row)
		}
	}
	low := f.serve("POST", "/api/workflows/queries/inventory_watch/run", `{"params": {"max_stock": 0}, "max_rows": 1}`)
	var lowRun Run
	dbtest.Decode(t, low.Body, &lowRun)
	if want := f.db.Int(t, `SELECT COUNT(*) FROM products WHERE is_active = 1 AND stock <= 0`); int64(len(lowRun.Result.Rows)) != min(want, 1) || lowRun.Result.Truncated != (want > 1) {
		t.Fatalf("max_stock 0: %d rows (truncated %v), %d products", len(lowRun.Result.Rows), lowRun.Result.Truncated, want)
	}
}

func TestAFailingQueryMakesItsRunFailed(t *testing.T) {
	broken := Query{Name: "broken", Label: "Broken", Component: "test", SQL: `SELECT p.no_such_column FROM products p FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"x", Text}}}
	f := newFixture(t, Options{Catalog: append(Catalog(), broken)})
	res := f.serve("POST", "/api/workflows/queries/broken/run", "")
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, res.Body)
	}
	var run Run
	dbtest.Decode(t, res.Body, &run)
	if run.Status != "failed" || run.Executions[0].Status != "failed" || run.Executions[0].Error == nil {
		t.Fatalf("run = %+v", run)
	}
	if got := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs r JOIN query_executions e ON e.workflow_run_id = r.id
WHERE r.id = :1 AND r.status = 'failed' AND e.status = 'failed' AND e.error_message IS NOT NULL`, run.ID); got != 1 {
		t.Fatal("failed run not recorded")
	}
}

func TestBadRunRequestsAreRefusedAndWriteNothing(t *testing.T) {
	f := newFixture(t, Options{})
	before := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`) // the seed has some
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{"/api/workflows/queries/nope/run", "", http.StatusNotFound},
		{"/api/workflows/queries/inventory_watch/run", `{"params": {"max_stock": 1001}}`, http.StatusBadRequest},
		{"/api/workflows/queries/inventory_watch/run", `{"params": {"max_stock": "ten"}}`, http.StatusBadRequest},
		{"/api/workflows/queries/inventory_watch/run", `{"params": {"max_stock": 1.5}}`, http.StatusBadRequest},
		{"/api/workflows/queries/inventory_watch/run", `{"params": {"other": 1}}`, http.StatusBadRequest},
		{"/api/workflows/queries/orders_backlog/run", `{"max_rows": 201}`, http.StatusBadRequest},
		{"/api/workflows/queries/orders_backlog/run", `{"max_rows": 0}`, http.StatusBadRequest},
		{"/api/workflows/queries/orders_backlog/run", `{"sql": "DELETE FROM orders"}`, http.StatusBadRequest},
	} {
		if res := f.serve("POST", c.path, c.body); res.Status != c.status {
			t.Errorf("%s %s: status %d, want %d: %s", c.path, c.body, res.Status, c.status, res.Body)
		}
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`); n != before {
		t.Fatalf("%d runs written by refused requests", n-before)
	}
}

func TestRoutesNeedTheOpsPermission(t *testing.T) {
	f := newFixture(t, Options{})
	support := map[string]string{web.PrincipalHeader: "user:2", web.ScopesHeader: "staff crm.support"}
	for _, target := range []string{"/api/workflows/queries", "/api/workflows/runs", "/api/workflows/components", "/api/workflows/sql"} {
		if res := dbtest.Serve(f.h, "GET", target, "", support); res.Status != http.StatusForbidden {
			t.Errorf("%s without ops: %d", target, res.Status)
		}
	}
	if res := f.serve("GET", "/api/workflows/queries", ""); res.Status != http.StatusOK {
		t.Fatalf("catalog: %d %s", res.Status, res.Body)
	}
}
