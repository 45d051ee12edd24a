package workflowgateway

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

func TestRunsPageNewestFirstWithAConstantStatementCount(t *testing.T) {
	f := newFixture(t, Options{})
	var ids []int64
	for range 3 {
		res := f.serve("POST", "/api/workflows/queries/orders_backlog/run", "")
		var run Run
		dbtest.Decode(t, res.Body, &run)
		ids = append(ids, run.ID)
	}
	total := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`)
	seen := map[int64]bool{}
	cursor := ""
	pages := 0
	for {
		res := f.serve("GET", "/api/workflows/runs?limit=2"+cursor, "")
		if res.Status != http.StatusOK || res.Statements != 1 {
			t.Fatalf("status %d, %d statements: %s", res.Status, res.Statements, res.Body)
		}
		var page RunPage
		dbtest.Decode(t, res.Body, &page)
		for i, r := range page.Items {
			if seen[r.ID] {
				t.Fatalf("run %d twice", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && page.Items[i-1].StartedAt.Before(r.StartedAt) {
				t.Fatal("not newest first")
			}
		}
		pages++
		if page.NextCursor == nil {
			break
		}
		cursor = "&cursor=" + *page.NextCursor
	}
	if int64(len(seen)) != total || pages < 2 {
		t.Fatalf("%d runs over %d pages, want %d", len(seen), pages, total)
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("run %d missing", id)
		}
	}
	if res := f.serve("GET", "/api/workflows/runs?cursor=nope", ""); res.Status != http.StatusBadRequest {
		t.Fatalf("bad cursor: %d", res.Status)
	}
}

func TestRunDetailHasItsExecutionsAndSnapshotsInThreeStatements(t *testing.T) {
	f := newFixture(t, Options{})
	a := f.invoke()
	res := f.serve("GET", fmt.Sprintf("/api/workflows/runs/%d", a.Run.ID), "")
	if res.Status != http.StatusOK || res.Statements != 3 {
		t.Fatalf("status %d, %d statements: %s", res.Status, res.Statements, res.Body)
	}
	var run Run
	dbtest.Decode(t, res.Body, &run)
	if run.Status != a.Run.Status || len(run.Executions) != len(a.Run.Executions) || len(run.Components) != len(a.Run.Components) {
		t.Fatalf("detail %+v, sweep %+v", run, a.Run)
	}
	for _, e := range run.Executions {
		if e.RunID != run.ID || e.SQLID == "" || e.Text == "" {
			t.Fatalf("execution %+v", e)
		}
	}
	for _, target := range []string{"/api/workflows/runs/999999", "/api/workflows/runs/abc", "/api/workflows/runs/0"} {
		if res := f.serve("GET", target, ""); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d", target, res.Status)
		}
	}
}
