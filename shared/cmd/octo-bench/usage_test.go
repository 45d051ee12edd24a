package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The CPU time readUsage sums over a process's threads agrees with the kernel's own account of the
// process (getrusage), and includes every thread: two threads each burn 30 ms of their own CPU time
// (spinning until RUSAGE_THREAD says so, so a loaded machine only makes the test slower). Touching
// fresh pages shows as page faults.
func TestReadUsageCountsCPUAndPageFaults(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("usage is read from /proc")
	}
	const burn = 30 * time.Millisecond
	before, err := readUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	selfBefore := rusage(t, syscall.RUSAGE_SELF)
	done := make(chan struct{})
	go func() { spinThread(t, burn); close(done) }()
	spinThread(t, burn)
	<-done
	// Fresh anonymous memory outside the Go heap, which may reuse pages it has already touched.
	pages, err := syscall.Mmap(-1, 0, 4<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(pages)
	for i := 0; i < len(pages); i += 4096 {
		pages[i] = 1
	}
	after, err := readUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	self := rusage(t, syscall.RUSAGE_SELF) - selfBefore
	got := after.CPU - before.CPU
	if got < 2*burn-5*time.Millisecond {
		t.Errorf("two threads burnt %v each, the sum over threads grew by %v", burn, got)
	}
	if diff := got - self; diff < -10*time.Millisecond || diff > 10*time.Millisecond {
		t.Errorf("the sum over threads grew by %v, getrusage by %v", got, self)
	}
	if got := after.Faults - before.Faults; got < 512 {
		t.Errorf("touched 1024 fresh pages, page faults grew by %d", got)
	}
	if _, err := readUsage(1 << 30); err == nil {
		t.Error("usage of a process that does not exist was read")
	}
}

// rusageThread is Linux's RUSAGE_THREAD: the calling thread's own usage.
const rusageThread = 1

// spinThread burns d of the calling OS thread's own CPU time.
func spinThread(t *testing.T, d time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for start := rusage(t, rusageThread); rusage(t, rusageThread)-start < d; {
	}
}

func rusage(t *testing.T, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		t.Error(err)
		return 1 << 62 // ends a spin
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestMachineLoadIsTheShareOfAllCPUTime(t *testing.T) {
	t0 := cpuTimes{total: 1000, idle: 800, steal: 10}
	tests := []struct {
		name        string
		t1          cpuTimes
		busy, steal float64
	}{
		{"half busy with some steal", cpuTimes{total: 1200, idle: 900, steal: 20}, 50, 5},
		{"fully idle", cpuTimes{total: 1100, idle: 900, steal: 10}, 0, 0},
		{"nothing elapsed", t0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := tt.t1.since(t0); m.BusyPercent != tt.busy || m.StealPercent != tt.steal {
				t.Errorf("since = %+v, want busy %v steal %v", m, tt.busy, tt.steal)
			}
		})
	}
	if runtime.GOOS == "linux" {
		if c, err := readCPUTimes(); err != nil || c.total <= 0 || c.idle > c.total {
			t.Errorf("readCPUTimes = %+v, %v", c, err)
		}
	}
}

// The report judges the 2x budget on wall-clock medians and shows the ratio's interval, CPU time and
// page faults next to them, as medians of the runs, with "-" where they were not measured.
func TestReportShowsCPUNextToWallTime(t *testing.T) {
	ms := time.Millisecond
	subjects := []subject{{name: "fdk hello-world"}, {name: "catalog", probe: probe{method: "GET", path: "/api/products"}},
		{name: "elsewhere", probe: probe{method: "GET", path: "/x"}}}
	cold := coldStarts{
		wall:   [][]time.Duration{{4 * ms, 3 * ms, 5 * ms}, {9 * ms, 7 * ms, 8 * ms}, {9 * ms, 9 * ms, 9 * ms}},
		socket: [][]time.Duration{{3 * ms, 2 * ms, 4 * ms}, {5 * ms, 4 * ms, 6 * ms}, {6 * ms, 6 * ms, 6 * ms}},
		usage: [][]usage{{{CPU: 4 * ms, Faults: 430}, {CPU: 3 * ms, Faults: 440}, {CPU: 5 * ms, Faults: 420}},
			{{CPU: 8 * ms, Faults: 990}, {CPU: 9 * ms, Faults: 980}, {CPU: 10 * ms, Faults: 1000}}, nil},
		machine: machine{BusyPercent: 61, StealPercent: 0.5},
	}
	rep := newReport(subjects, cold, nil, options{runs: 3, requests: 1})
	if rep.HelloCPUMS != 4 || rep.HelloFaults != 430 {
		t.Errorf("hello-world usage %v ms, %d faults; want the medians 4 ms, 430", rep.HelloCPUMS, rep.HelloFaults)
	}
	c := rep.Functions[0]
	if c.Ratio != 2 || c.Over2x || c.CPUMedianMS != 9 || c.CPURatio != 2.25 || c.FaultsMedian != 990 {
		t.Errorf("catalog row %+v", c)
	}
	if e := rep.Functions[1]; !e.Over2x || !rep.OverBudget || e.CPUMedianMS != 0 || e.FaultsMedian != 0 {
		t.Errorf("row without usage %+v, over budget %v", e, rep.OverBudget)
	}
	md := rep.markdown()
	for _, want := range []string{"| catalog | GET /api/products | 8.00 | 5.00 | 4.00 | 2.00 | 1.60–2.33 | ok | 9.00 | 2.25 | 990 |",
		"| elsewhere | GET /x | 9.00 | 6.00 | 4.00 | 2.25 | 1.80–3.00 | **over 2x** | - | - | - |",
		"hello-world (fdk-go, built with cgo as fdk-go's build image builds it: dynamic): 4.00 ms cold start (socket at 3.00), 4.00 ms CPU, 430 page faults",
		"61% busy, 0.5% steal"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// The static hello-world is a reference row: shown with its ratio, judged by no budget, never the
// reason a run is over budget.
func TestTheStaticHelloWorldIsAReference(t *testing.T) {
	ms := time.Millisecond
	subjects := []subject{{name: "fdk hello-world"}, {name: "fdk hello-world, static (reference)", reference: true, probe: probe{method: "GET", path: "/"}},
		{name: "catalog", probe: probe{method: "GET", path: "/api/products"}}}
	cold := coldStarts{wall: [][]time.Duration{{4 * ms}, {3 * ms}, {7 * ms}}, socket: [][]time.Duration{{3 * ms}, {2 * ms}, {5 * ms}},
		usage: [][]usage{nil, nil, nil}}
	rep := newReport(subjects, cold, nil, options{runs: 1, requests: 1})
	if r := rep.Functions[0]; !r.Reference || r.Budget != 0 || r.Over2x || r.Ratio != 0.75 || rep.OverBudget {
		t.Errorf("reference row %+v, over budget %v", r, rep.OverBudget)
	}
	if md := rep.markdown(); !strings.Contains(md, "| fdk hello-world, static (reference) | GET / | 3.00 | 2.00 | 4.00 | 0.75 | 0.75–0.75 | reference |") {
		t.Errorf("markdown lacks the reference row:\n%s", md)
	}
}

// linkingOf tells the hello-world built with cgo (dynamic: it names the dynamic loader) from the same
// program built without.
func TestLinkingOf(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ cgo, want string }{{"1", "dynamic"}, {"0", "static"}} {
		bin := filepath.Join(dir, "hello"+tt.cgo)
		cmd := exec.Command("go", "build", "-o", bin, "../../internal/fdkhello")
		cmd.Env = append(os.Environ(), "CGO_ENABLED="+tt.cgo)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		if got, err := linkingOf(bin); err != nil || got != tt.want {
			t.Errorf("CGO_ENABLED=%s: linkingOf = %q, %v; want %q", tt.cgo, got, err, tt.want)
		}
	}
}

// The authorizer, which links no database driver, has the tighter budget: 1.3x hello-world's.
func TestAuthorizerBudgetIsTighter(t *testing.T) {
	ms := time.Millisecond
	subjects := []subject{{name: "fdk hello-world"}, {name: "authorizer", probe: probe{authorizer: true}},
		{name: "catalog", probe: probe{method: "GET", path: "/api/products"}}}
	cold := coldStarts{wall: [][]time.Duration{{10 * ms}, {14 * ms}, {14 * ms}}, socket: [][]time.Duration{{8 * ms}, {9 * ms}, {9 * ms}},
		usage: [][]usage{nil, nil, nil}}
	rep := newReport(subjects, cold, nil, options{runs: 1, requests: 1})
	if a := rep.Functions[0]; a.Budget != 1.3 || !a.Over2x {
		t.Errorf("authorizer at 1.4x: %+v, want over its 1.3x budget", a)
	}
	if c := rep.Functions[1]; c.Budget != 2 || c.Over2x {
		t.Errorf("catalog at 1.4x: %+v, want within its 2x budget", c)
	}
	if !strings.Contains(rep.markdown(), "**over 1.3x**") || !rep.OverBudget {
		t.Errorf("the authorizer over budget is not flagged:\n%s", rep.markdown())
	}
}

func TestCountInitsCountsInittraceLines(t *testing.T) {
	trace := "init internal/bytealg @0.002 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"init runtime @0.015 ms, 0.02 ms clock, 0 bytes, 0 allocs\n" +
		"catalog: OCTO_DB_DRIVER is required\n"
	if n := countInits(strings.NewReader(trace)); n != 2 {
		t.Errorf("countInits = %d, want 2", n)
	}
}
