package benchout

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteWritesJSONMarkdownAndStdout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "results")
	var out bytes.Buffer
	if err := Write(dir, "crm", map[string]int{"rows": 3}, "| rows |\n| 3 |\n", &out); err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(dir, "crm.json"))
	if err != nil || string(js) != "{\n  \"rows\": 3\n}\n" {
		t.Errorf("crm.json = %q, %v", js, err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "crm.md"))
	if err != nil || string(md) != "| rows |\n| 3 |\n" || out.String() != string(md) {
		t.Errorf("crm.md = %q (%v), stdout %q", md, err, out.String())
	}
	if err := Write(filepath.Join(dir, "crm.json"), "x", 1, "", &out); err == nil {
		t.Error("a results directory that is a file: no error")
	}
}
