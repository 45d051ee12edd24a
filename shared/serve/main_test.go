package serve

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binaries are the function binaries TestMain builds once for the protocol tests.
type binaries struct {
	echo  string // ./internal/echofn: serve.Run around an echoing handler
	hello string // ../internal/fdkhello: the fdk-go hello-world baseline
}

// built is set by TestMain before any test runs and only read afterwards.
var built binaries

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "serve-test-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve tests: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	built = binaries{echo: filepath.Join(dir, "echofn"), hello: filepath.Join(dir, "fdkhello")}
	for out, pkg := range map[string]string{built.echo: "./internal/echofn", built.hello: "../internal/fdkhello"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "serve tests: go build %s: %v\n%s", pkg, err, msg)
			return 1
		}
	}
	return m.Run()
}

// requireTool returns the path in the environment variable env, skipping the test when it is unset
// outside CI and failing it under CI=true, where the Makefile always provides the tool.
func requireTool(t *testing.T, env string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; under CI the Makefile must provide it", env)
		}
		t.Skipf("%s is not set (the Makefile sets it); skipping", env)
	}
	return path
}
