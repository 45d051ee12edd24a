package workflowgateway

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
)

// invoke is the scheduled invocation as Resource Scheduler sends it: a plain POST of the body,
// without the gateway's principal headers.
func (f fixture) invoke() SweepAnswer {
	res := dbtest.Serve(f.h, "POST", "/_invoke", `{"sweep": "health"}`, nil)
	var a SweepAnswer
	if res.Status != http.StatusOK {
		panic(string(res.Body))
	}
	_ = jsonUnmarshal(res.Body, &a)
	return a
}

func TestScheduledSweepWritesAScheduledRunAndOneSnapshotPerComponent(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }))
	defer up.Close()
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer failing.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there any more
	f := newFixture(t, Options{Probes: []Probe{
		{Component: "apm", Type: "apm-collector", URL: up.URL},
		{Component: "vault", Type: "oci-vault", URL: failing.URL},
		{Component: "genai", Type: "oci-genai", URL: gone.URL},
	}})
	before := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`)
	a := f.invoke()
	if a.Skipped || a.Run == nil {
		t.Fatalf("answer = %+v", a)
	}
	run := a.Run
	sweepQueries := 0
	for _, q := range Catalog() {
		if q.Sweep {
			sweepQueries++
		}
	}
	if run.Mode != "scheduled" || len(run.Executions) != sweepQueries || run.Status != "partial" {
		t.Fatalf("run: mode %s, %d executions, status %s (genai is down: want partial)", run.Mode, len(run.Executions), run.Status)
	}
	want := map[string]string{"database": "up", "apm": "up", "vault": "degraded", "genai": "down"}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM component_snapshots WHERE workflow_run_id = :1`, run.ID); n != int64(len(want)) {
		t.Fatalf("%d snapshots, want %d", n, len(want))
	}
	for comp, status := range want {
		if n := f.db.Int(t, `SELECT COUNT(*) FROM component_snapshots WHERE workflow_run_id = :1 AND component = :2 AND status = :3 AND latency_ms >= 0`,
			run.ID, comp, status); n != 1 {
			t.Errorf("%s: no %s snapshot", comp, status)
		}
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM query_executions WHERE workflow_run_id = :1 AND schedule_mode = 'scheduled' AND status = 'succeeded'`, run.ID); n != int64(sweepQueries) {
		t.Fatalf("%d scheduled executions", n)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs`); n != before+1 {
		t.Fatalf("%d runs written, want 1", n-before)
	}

	// The components view shows each component's latest snapshot: this sweep's.
	res := f.serve("GET", "/api/workflows/components", "")
	var comps struct{ Items []Snapshot }
	dbtest.Decode(t, res.Body, &comps)
	seen := 0
	for _, c := range comps.Items {
		if s, ok := want[c.Component]; ok {
			seen++
			if c.Status != s || c.RunID != run.ID {
				t.Errorf("%s latest: %s of run %d", c.Component, c.Status, c.RunID)
			}
		}
	}
	if seen != len(want) || res.Statements != 1 {
		t.Fatalf("components: %d of ours, %d statements", seen, res.Statements)
	}

	// A second sweep after the first released the lock runs too.
	if b := f.invoke(); b.Skipped {
		t.Fatal("second sweep skipped after the first finished")
	}
}

func TestAFailingSweepQueryMakesTheRunPartial(t *testing.T) {
	broken := Query{Name: "broken", Component: "test", Sweep: true, SQL: `SELECT p.no_such_column FROM products p FETCH FIRST :1 ROWS ONLY`,
		Columns: []Column{{"x", Text}}}
	f := newFixture(t, Options{Catalog: append(Catalog(), broken)})
	a := f.invoke()
	if a.Run == nil || a.Run.Status != "partial" {
		t.Fatalf("answer = %+v", a)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs WHERE id = :1 AND status = 'partial'`, a.Run.ID); n != 1 {
		t.Fatal("run not stored as partial")
	}
}

func TestTwoConcurrentSweepsMakeOneRun(t *testing.T) {
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	defer slow.Close()
	f := newFixture(t, Options{Probes: []Probe{{Component: "apm", Type: "apm-collector", URL: slow.URL}}})
	before := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs WHERE run_mode = 'scheduled'`)
	var wg sync.WaitGroup
	var first SweepAnswer
	wg.Go(func() { first = f.invoke() })
	<-entered // the first sweep holds the lock and waits on its probe
	second := f.invoke()
	close(release)
	wg.Wait()
	if first.Skipped || !second.Skipped || second.Run != nil {
		t.Fatalf("first %+v, second %+v: want the second skipped", first, second)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM workflow_runs WHERE run_mode = 'scheduled'`); n != before+1 {
		t.Fatalf("%d scheduled runs, want 1", n-before)
	}
}

func TestAnExpiredLockIsTakenOverAndALiveOneIsNot(t *testing.T) {
	now := time.Now().UTC()
	f := newFixture(t, Options{Now: func() time.Time { return now }})
	f.db.Exec(t, `INSERT INTO workflow_locks (name, holder, expires_at) VALUES ('sweep', 'dead-process', :1)`, now.Add(time.Minute))
	if a := f.invoke(); !a.Skipped {
		t.Fatal("a sweep ran while another's lease was live")
	}
	f.db.Exec(t, `UPDATE workflow_locks SET expires_at = :1 WHERE name = 'sweep'`, now.Add(-time.Second))
	if a := f.invoke(); a.Skipped {
		t.Fatal("an expired lock was not taken over")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM workflow_locks WHERE name = 'sweep' AND holder IS NULL`); n != 1 {
		t.Fatal("lock not released")
	}
}
