package cgorule

import (
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPackages: catalog needs cgo in the image's build (godror) and not in the local one (SQLite is
// pure Go); the standard library's cgo packages (net, os/user, runtime/cgo) never count.
func TestPackages(t *testing.T) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" || strings.TrimSpace(string(out)) == "off" {
		t.Skip("needs the workspace (go.work)")
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	for _, tt := range []struct {
		tags string
		want []string
		env  string
	}{
		{"lambda.norpc,grpcnotrace", nil, "CGO_ENABLED=0"},
		{"lambda.norpc,grpcnotrace,oracle", []string{"github.com/godror/godror"}, "CGO_ENABLED=1"},
	} {
		got, err := Packages(t.Context(), root, tt.tags, "./functions/catalog/cmd/catalog")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("-tags=%s: %q, want %q", tt.tags, got, tt.want)
		}
		if e := Env(got); e != tt.env {
			t.Errorf("-tags=%s: %s, want %s", tt.tags, e, tt.env)
		}
	}
}
