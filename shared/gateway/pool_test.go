package gateway

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// startedBlocks counts the /api/block calls that have begun in the test function.
func startedBlocks(t *testing.T, dir string) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "started-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

func release(t *testing.T, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "release"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
}

type blockResult struct {
	status int
	pid    int
}

// sendBlocking fires n concurrent /api/block calls and returns a channel of their results.
func sendBlocking(t *testing.T, base string, n int) <-chan blockResult {
	out := make(chan blockResult, n)
	for range n {
		go func() {
			resp, err := http.Get(base + "/api/block")
			if err != nil {
				out <- blockResult{}
				return
			}
			defer resp.Body.Close()
			var pid int
			b := make([]byte, 32)
			k, _ := resp.Body.Read(b)
			pid, _ = strconv.Atoi(string(b[:k]))
			out <- blockResult{status: resp.StatusCode, pid: pid}
		}()
	}
	return out
}

func TestScaleOutRunsConcurrentCallsInSeparateProcessesUpToMax(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.MaxInstances = 3
	env.cfg.IdleTimeout = 300 * time.Millisecond
	g, base := env.start(t)

	results := sendBlocking(t, base, 4)
	waitFor(t, 10*time.Second, "3 calls running at once", func() bool { return startedBlocks(t, env.dir) == 3 })
	if n := len(g.PIDs("hello")); n != 3 {
		t.Fatalf("%d instances while 3 calls block and 1 queues, want the max 3", n)
	}
	release(t, env.dir)
	pids := map[int]bool{}
	for range 4 {
		r := <-results
		if r.status != 200 {
			t.Fatalf("blocked call answered %d, want 200", r.status)
		}
		pids[r.pid] = true
	}
	if len(pids) != 3 {
		t.Errorf("calls ran in %d distinct processes %v, want 3", len(pids), pids)
	}
	if n := len(env.logLines(t, "cold start")); n != 3 {
		t.Errorf("%d cold start log lines, want 3 (startup + 2 scale-outs)", n)
	}
	waitFor(t, 10*time.Second, "idle instances beyond one to stop", func() bool {
		live := g.PIDs("hello")
		if len(live) != 1 {
			return false
		}
		for pid := range pids {
			if pid != live[0] && alive(pid) {
				return false
			}
		}
		return true
	})
	if n := len(env.logLines(t, "idle instance stopped")); n != 2 {
		t.Errorf("%d idle stops logged, want 2", n)
	}
}

func TestQueueBeyondMaxTimesOutWith503(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.MaxInstances = 1
	env.cfg.QueueTimeout = 200 * time.Millisecond
	_, base := env.start(t)

	results := sendBlocking(t, base, 1)
	waitFor(t, 10*time.Second, "the only instance to be busy", func() bool { return startedBlocks(t, env.dir) == 1 })
	resp, body := do(t, "GET", base+"/api/echo", nil, "")
	assertError(t, resp, body, 503, "unavailable")
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	release(t, env.dir)
	if r := <-results; r.status != 200 {
		t.Errorf("the blocked call answered %d, want 200", r.status)
	}
}

func TestRequestLogSaysHowLongACallWaitedForAnInstance(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	env.cfg.MaxInstances = 1
	_, base := env.start(t)

	first := sendBlocking(t, base, 1)
	waitFor(t, 10*time.Second, "the only instance to be busy", func() bool { return startedBlocks(t, env.dir) == 1 })
	second := make(chan int, 1)
	go func() {
		resp, _ := do(t, "GET", base+"/api/echo", nil, "")
		second <- resp.StatusCode
	}()
	time.Sleep(300 * time.Millisecond)
	release(t, env.dir)
	if r, s := <-first, <-second; r.status != 200 || s != 200 {
		t.Fatalf("answers %d and %d, want 200 and 200", r.status, s)
	}
	waits := map[string]float64{}
	for _, l := range env.logLines(t, "request") {
		w, ok := l["wait_ms"].(float64)
		if !ok {
			t.Fatalf("request log line without wait_ms: %v", l)
		}
		waits[l["path"].(string)] = w
	}
	if waits["/api/block"] >= 250 || waits["/api/echo"] < 250 {
		t.Errorf("wait_ms = %v: want the queued /api/echo to have waited about 300 ms and /api/block not", waits)
	}
}

func TestDeadProcessIsRestartedAndItsCallFails(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	g, base := env.start(t)

	_, body := do(t, "GET", base+"/api/echo", nil, "")
	first := decodeEcho(t, body).PID
	resp, body := do(t, "POST", base+"/api/crash", nil, "")
	assertError(t, resp, body, 502, "bad_gateway")
	waitFor(t, 10*time.Second, "a replacement instance", func() bool {
		p := g.PIDs("hello")
		return len(p) == 1 && p[0] != first
	})
	if alive(first) {
		t.Errorf("crashed process %d still exists", first)
	}

	// A process killed from outside while idle is replaced too.
	victim := g.PIDs("hello")[0]
	if err := syscallKill(victim); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the killed instance to be replaced", func() bool {
		p := g.PIDs("hello")
		return len(p) == 1 && p[0] != victim
	})
	resp, body = do(t, "GET", base+"/api/echo", nil, "")
	if resp.StatusCode != 200 || decodeEcho(t, body).PID == victim {
		t.Errorf("after the restart: status %d, body %s", resp.StatusCode, body)
	}
}

func TestRunStopsChildrenAndRemovesSockets(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML, "auth": authYAML})
	env.cfg.SocketRoot = t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env.cfg.Listener = ln
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = Run(ctx, env.cfg) })

	_, body := do(t, "GET", "http://"+ln.Addr().String()+"/api/echo", nil, "")
	pid := decodeEcho(t, body).PID
	starts := env.logLines(t, "cold start")
	if len(starts) != 2 {
		t.Fatalf("%d cold start lines at startup, want one per function (2)", len(starts))
	}
	socketDirs, _ := filepath.Glob(filepath.Join(env.cfg.SocketRoot, "*"))
	if len(socketDirs) != 2 {
		t.Fatalf("%d socket directories while running, want 2", len(socketDirs))
	}
	cancel()
	wg.Wait()
	if runErr != nil {
		t.Fatalf("Run = %v, want a clean stop", runErr)
	}
	for _, l := range starts {
		if p := int(l["pid"].(float64)); alive(p) {
			t.Errorf("function process %d survived shutdown", p)
		}
	}
	if alive(pid) {
		t.Errorf("the process that served the call (%d) survived shutdown", pid)
	}
	if left, _ := filepath.Glob(filepath.Join(env.cfg.SocketRoot, "*")); len(left) != 0 {
		t.Errorf("socket directories left after shutdown: %v", left)
	}
}
