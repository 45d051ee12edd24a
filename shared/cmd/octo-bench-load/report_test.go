package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestVerdictJudgesTheLargestClientCountButNotTheStressRow(t *testing.T) {
	ok := levelResult{Clients: 64, P95: 99.9}
	for _, tc := range []struct {
		name   string
		levels []levelResult
		want   string // substring of the verdict; "" for a pass
	}{
		{"met", []levelResult{{Clients: 1, P95: 500}, ok}, ""},
		{"p95 at the goal", []levelResult{{Clients: 64, P95: 100}}, "p95 100.0 ms >= 100 ms"},
		{"an error", []levelResult{{Clients: 64, P95: 5, Errors: 1}}, "1 errors"},
		{"the stress row never fails it", []levelResult{ok, {Clients: 64, P95: 900, Errors: 3, Stress: true}}, ""},
		{"smaller counts do not hide the largest", []levelResult{{Clients: 64, P95: 150}, {Clients: 8, P95: 5}}, "at 64 clients"},
		{"nothing ran", nil, "no client count ran"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := report{GoalP95: 100, Levels: tc.levels}.verdict()
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("verdict = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSummarizeCountsRoutedRequestsErrorsOrdersAndCPUPerRequest(t *testing.T) {
	now := time.Now()
	ss := []sample{
		{function: "catalog", start: now, d: 2 * time.Millisecond},
		{function: "catalog", start: now, d: 4 * time.Millisecond},
		{function: "checkout", start: now, d: 10 * time.Millisecond, order: true},
		{function: "crm-orders", authorized: true, start: now, d: 6 * time.Millisecond, err: "status 503, want 200"},
	}
	cpu := map[string]time.Duration{"catalog": 3 * time.Millisecond, "authorizer": time.Millisecond, "gateway": 2 * time.Millisecond}
	lv := summarize(64, ss, 2*time.Second, cpu)
	if lv.Requests != 4 || lv.Errors != 1 || lv.Orders != 1 || lv.OrdersPerSecond != 0.5 {
		t.Fatalf("requests %d errors %d orders %d (%v/s), want 4, 1, 1 (0.5/s)", lv.Requests, lv.Errors, lv.Orders, lv.OrdersPerSecond)
	}
	if lv.P50 != 6 || lv.P99 != 10 { // nearest rank of 2, 4, 6, 10 ms
		t.Fatalf("p50 %v p99 %v, want 6 and 10 ms", lv.P50, lv.P99)
	}
	for fn, want := range map[string]float64{"catalog": 1.5, "authorizer": 1, "gateway": 0.5} {
		if got := lv.CPUPerRequestMS[fn]; got != want {
			t.Errorf("CPU per request of %s = %v ms, want %v", fn, got, want)
		}
	}
}

func TestProcStatReadsThisProcess(t *testing.T) {
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) { // burn some CPU so the count is not zero
	}
	ppid, cpu, err := procStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if ppid != os.Getppid() || cpu <= 0 {
		t.Fatalf("procStat = ppid %d, cpu %v; want ppid %d and some CPU time", ppid, cpu, os.Getppid())
	}
}

func TestParseThinkAndClients(t *testing.T) {
	if th, err := parseThink("100ms-200ms"); err != nil || th != [2]time.Duration{100 * time.Millisecond, 200 * time.Millisecond} {
		t.Fatalf("parseThink = %v, %v", th, err)
	}
	for _, bad := range []string{"1s-100ms", "x", "-1s"} {
		if _, err := parseThink(bad); err == nil {
			t.Errorf("parseThink(%q) accepted", bad)
		}
	}
	if cs, err := parseClients("1, 8,64"); err != nil || len(cs) != 3 || cs[2] != 64 {
		t.Fatalf("parseClients = %v, %v", cs, err)
	}
	if _, err := parseClients("0"); err == nil {
		t.Error("parseClients accepted 0 clients")
	}
}
