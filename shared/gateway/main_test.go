package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testBinDir holds the test function binary under every name the test bundles use; TestMain builds it.
var testBinDir string

// testFunctions are the names the test bundles give the one test binary (internal/testfn).
var testFunctions = []string{"hello", "hang", "auth", "tick"}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gateway-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "testfn")
		if out, err := exec.Command("go", "build", "-o", bin, "./internal/testfn").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build testfn: %v\n%s", err, out)
			return 1
		}
		for _, name := range testFunctions {
			if err := os.Symlink(bin, filepath.Join(dir, name)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		testBinDir = dir
		return m.Run()
	}()
	os.Exit(code)
}

const rootYAML = `schema_version: 20180708
version: 0.1.0
runtime: docker
memory: 256
timeout: 30
idle_timeout: 300
config:
  OCTO_DB_DRIVER: oracle
  TESTFN_CONFIG: from-root
`

const helloYAML = `schema_version: 20180708
name: hello
memory: 128
config:
  TESTFN_CONFIG: from-function
smoke: {method: GET, path: /api/echo}
routes:
  - {method: GET, path: /api/echo, scope: public}
  - {method: POST, path: /api/echo, scope: public}
  - {method: GET, path: /api/private, scope: customer}
  - {method: GET, path: /api/staff, scope: staff}
  - {method: GET, path: /api/maybe, scope: public, auth: optional}
  - {method: GET, path: /api/limited, scope: public, rate: {per_second: 1}}
  - {method: GET, path: /api/block, scope: public}
  - {method: POST, path: /api/crash, scope: public}
  - {method: GET, path: /api/trace, scope: public}
`

const hangYAML = `schema_version: 20180708
name: hang
timeout: 1
smoke: {method: GET, path: /api/hang}
routes:
  - {method: GET, path: /api/hang, scope: public}
`

const authYAML = `schema_version: 20180708
name: auth
authorizer: true
`

const tickYAML = `schema_version: 20180708
name: tick
schedule:
  cron: "* * * * *"
  time_zone: Europe/Paris
  body: {rollup: hourly}
`

// writeBundle lays out a repository root with the given functions (name -> func.yaml).
func writeBundle(t *testing.T, fns map[string]string) string {
	t.Helper()
	root := t.TempDir()
	work := "go 1.26.0\n\nuse (\n"
	write := func(path, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, yaml := range fns {
		write(filepath.Join(root, "functions", name, "func.yaml"), yaml)
		work += "\t./functions/" + name + "\n"
	}
	write(filepath.Join(root, "func.yaml"), rootYAML)
	write(filepath.Join(root, "go.work"), work+")\n")
	return root
}

// testEnv is a gateway under test: its config, evidence directory and captured logs.
type testEnv struct {
	cfg  Config
	dir  string // TESTFN_DIR
	logs *syncBuffer
}

func newTestEnv(t *testing.T, fns map[string]string) *testEnv {
	t.Helper()
	dir := t.TempDir()
	logs := &syncBuffer{}
	return &testEnv{dir: dir, logs: logs, cfg: Config{
		Root:           writeBundle(t, fns),
		BinDir:         testBinDir,
		DataDir:        t.TempDir(),
		Env:            append(os.Environ(), "TESTFN_DIR="+dir),
		Logger:         newJSONLogger(logs),
		FunctionOutput: testWriter{t},
		QueueTimeout:   10 * time.Second,
	}}
}

// start runs the gateway in-process and returns it and its base URL; it is closed with the test.
func (e *testEnv) start(t *testing.T) (*Gateway, string) {
	t.Helper()
	g, err := New(context.Background(), e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: g}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		g.Close()
	})
	return g, "http://" + ln.Addr().String()
}

// logLines returns the parsed JSON log lines with the given message.
func (e *testEnv) logLines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(e.logs.Bytes()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// alive reports whether a process with the pid exists (the gateway reaps its children).
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// testWriter sends the functions' output to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// syscallKill kills a process from outside the gateway.
func syscallKill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
