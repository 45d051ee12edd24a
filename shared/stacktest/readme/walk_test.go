package readme

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// root is the repository root, relative to this package.
const root = "../../.."

// octoBin is the octo command the README's examples call as bin/octo.
var octoBin string

func TestMain(m *testing.M) { os.Exit(buildOctoThen(m)) }

func buildOctoThen(m *testing.M) int {
	dir, err := os.MkdirTemp("", "octo-readme-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	octoBin = filepath.Join(dir, "octo")
	cmd := exec.Command("go", "build", "-o", octoBin, "./shared/cmd/octo")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build octo: %v\n%s", err, out)
		return 1
	}
	return stacktest.Main(m, root)
}

// The only programs the README's examples may use: what the README installs (bin/octo) or any machine
// has. No jq, no uuidgen.
var tools = []string{"bash", "curl", "sed", "grep", "cat", "ls", "head", "tail", "tr", "cut"}

// TestREADMEWalkThrough runs the README's runnable examples, in order, as one shell session against a
// fresh stack (the local gateway on a freshly migrated and seeded database, as `make run` sets up)
// and checks the status each one states.
func TestREADMEWalkThrough(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := Blocks(string(src))
	if err != nil {
		t.Fatal(err)
	}
	script, err := Script(blocks)
	if err != nil {
		t.Fatal(err)
	}
	stack := stacktest.Start(t, stacktest.Options{})
	u, err := url.Parse(stack.URL)
	if err != nil {
		t.Fatal(err)
	}

	work := t.TempDir()
	path := filepath.Join(work, ".path")
	for _, dir := range []string{filepath.Join(work, "bin"), path} {
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(octoBin, filepath.Join(work, "bin", "octo")); err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatalf("%s is not installed: %v", tool, err)
		}
		if err := os.Symlink(p, filepath.Join(path, tool)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(path, "bash"), "-c", script)
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + path, "HOME=" + work, "OCTO_README_HOST=" + u.Host, "OCTO_README_STATE=" + t.TempDir(),
		"OCTO_DATA_DIR=" + stack.DataDir}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's walk-through failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
