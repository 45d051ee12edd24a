package readme

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBlocksAreTheShFencesOnly(t *testing.T) {
	src := "intro\n```sh\nA=1   # -> 200\n```\n```console\nmake run\n```\n```yaml\nx: 1\n```\n```sh\necho $A\n```\n"
	blocks, err := Blocks(src)
	if err != nil || len(blocks) != 2 || blocks[0].Line != 3 || blocks[1].Line != 12 || blocks[1].Lines[0] != "echo $A" {
		t.Fatalf("blocks = %+v, %v", blocks, err)
	}
	if _, err := Blocks("```sh\nunclosed\n"); err == nil {
		t.Fatal("an unclosed fence passed")
	}
}

// TestScriptChecksStatedStatuses runs generated scripts against a fake curl that answers the status
// named in its URL: what the harness accepts and what it refuses.
func TestScriptChecksStatedStatuses(t *testing.T) {
	for _, tc := range []struct {
		name, block string
		ok          bool
	}{
		{"stated_status_matches", "curl -s localhost:8080/201   # -> 201", true},
		{"status_from_a_command_substitution", "X=$(curl -s localhost:8080/200 | cat)   # -> 200\necho \"$X\"", true},
		{"continued_command", "curl -s localhost:8080/409 \\\n  -d '{\"a\":\n  1}'   # -> 409: reused", true},
		{"comment_with_apostrophe_then_request", "echo ok   # it's fine\ncurl -s localhost:8080/200   # -> 200", true},
		{"wrong_status", "curl -s localhost:8080/404   # -> 200", false},
		{"request_without_stated_status", "curl -s localhost:8080/200\ncurl -s localhost:8080/200   # -> 200", false},
		{"trailing_request_without_status", "curl -s localhost:8080/200   # -> 200\ncurl -s localhost:8080/500", false},
		{"two_requests_one_status", "curl -s localhost:8080/200; curl -s localhost:8080/200   # -> 200", false},
		{"stated_but_no_request", "echo hi   # -> 200", false},
		{"undefined_variable", "curl -s localhost:8080/$NOPE   # -> 200", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script, err := Script([]Block{{Line: 1, Lines: strings.Split(tc.block, "\n")}})
			if err != nil {
				t.Fatal(err)
			}
			out, err := runWithFakeCurl(t, script)
			if (err == nil) != tc.ok {
				t.Fatalf("ok = %t, want %t\n%s", err == nil, tc.ok, out)
			}
		})
	}
	if _, err := Script([]Block{{Line: 1, Lines: []string{"echo nothing stated"}}}); err == nil {
		t.Fatal("a README without any stated status passed")
	}
}

func runWithFakeCurl(t *testing.T, script string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	fake := "#!/bin/bash\nwhile [ $# -gt 0 ]; do case $1 in -D) hdr=$2; shift;; -d|-H|-X) shift;; -*) ;; *) url=$1;; esac; shift; done\n" +
		"printf 'HTTP/1.1 %s X\\r\\n\\r\\n' \"${url##*/}\" > \"$hdr\"\necho body\n"
	if err := os.WriteFile(filepath.Join(dir, "curl"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = []string{"PATH=" + dir + ":/usr/bin:/bin", "OCTO_README_HOST=fake", "OCTO_README_STATE=" + dir}
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
