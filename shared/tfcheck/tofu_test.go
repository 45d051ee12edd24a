package tfcheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// offlineTofu builds the oracle/oci schema server and returns an OfflineTofu that installs it, or
// skips when OpenTofu was not built (OCTO_TOFU unset: make tf-check always sets it, make test when
// .cache/bin/tofu exists).
func offlineTofu(t *testing.T) *OfflineTofu {
	t.Helper()
	bin := os.Getenv("OCTO_TOFU")
	if bin == "" {
		t.Skip("OCTO_TOFU not set (make tofu builds OpenTofu, make tf-check runs this)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("building the schema server needs the go command: %v", err)
	}
	dir := t.TempDir()
	plugin := filepath.Join(dir, "oci-schema-provider")
	build := exec.Command(goBin, "build", "-buildvcs=false", "-o", plugin, "./cmd/oci-schema-provider")
	build.Dir = filepath.Join(repoRoot(t), "shared")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./shared/cmd/oci-schema-provider: %v\n%s", err, out)
	}
	tofu, err := NewOfflineTofu(bin, plugin, SchemaPath(repoRoot(t)), dir)
	if err != nil {
		t.Fatal(err)
	}
	return tofu
}

// TestTofuValidate runs the real `tofu validate` on a copy of terraform/ (and the func.yaml files its
// locals read) against the oracle/oci 8.28.0 schema, and shows that it fails on each kind of mistake
// the schema catches.
func TestTofuValidate(t *testing.T) {
	tofu := offlineTofu(t)
	validate := func(t *testing.T, edits map[string][][2]string) *Validation {
		t.Helper()
		v, err := tofu.Validate(filepath.Join(copyBundle(t, edits), "terraform"))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("the repository's Terraform is valid", func(t *testing.T) {
		v := validate(t, nil)
		for _, d := range v.Errors() {
			t.Error(d)
		}
		if !v.Valid {
			t.Errorf("tofu validate: not valid (%d errors)", v.ErrorCount)
		}
		for _, d := range v.Diagnostics {
			if d.Severity != "error" {
				t.Log(d)
			}
		}
		t.Logf("tofu validate against oracle/oci %s: valid=%v, %d errors, %d warnings",
			ProviderVersion, v.Valid, v.ErrorCount, v.WarningCount)
	})

	t.Run("warns on a deprecated argument", func(t *testing.T) {
		v := validate(t, map[string][][2]string{"database.tf": {{
			`resource "oci_database_autonomous_database" "this" {` + "\n",
			`resource "oci_database_autonomous_database" "this" {` + "\n  is_shrink_only = false\n"}}})
		if !v.Valid || v.WarningCount != 1 {
			t.Fatalf("valid=%v with %d warnings, want valid with one:\n%s", v.Valid, v.WarningCount, diagnosticsText(v.Diagnostics))
		}
		if d := v.Diagnostics[0]; d.Summary != "Argument is deprecated" || !strings.Contains(d.Detail, `"is_shrink_only"`) ||
			d.Range == nil || d.Range.Filename != "database.tf" {
			t.Errorf("got %s", d)
		}
	})

	logGroup := `  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-logs"
`
	for _, c := range []struct {
		name  string
		edits map[string][][2]string
		want  []string // substrings of one error diagnostic
	}{
		{"an unknown argument on a real resource",
			map[string][][2]string{"functions.tf": {{logGroup, logGroup + "  no_such_argument = \"x\"\n"}}},
			[]string{"Unsupported argument", `"no_such_argument" is not expected here`}},
		{"a missing required argument",
			map[string][][2]string{"functions.tf": {{logGroup, `  display_name   = "${var.name_prefix}-logs"` + "\n"}}},
			[]string{"Missing required argument", `"compartment_id" is required`}},
		{"a wrong attribute type",
			map[string][][2]string{"functions.tf": {{"  is_enabled         = true\n", "  is_enabled         = [\"yes\"]\n"}}},
			[]string{"Incorrect attribute value type", "is_enabled", "bool required"}},
		{"a read-only attribute set",
			map[string][][2]string{"functions.tf": {{"  is_enabled         = true\n", "  is_enabled         = true\n  time_created       = \"now\"\n"}}},
			[]string{"Value for unconfigurable attribute", `"time_created"`}},
		{"a nested block beyond its max_items",
			map[string][][2]string{"functions.tf": {{"  configuration {\n", "  configuration {\n    source {\n      category    = \"write\"\n      resource    = \"x\"\n      service     = \"functions\"\n      source_type = \"OCISERVICE\"\n    }\n  }\n  configuration {\n"}}},
			[]string{"Too many configuration blocks"}},
	} {
		t.Run("fails on "+c.name, func(t *testing.T) {
			v := validate(t, c.edits)
			if v.Valid || v.ErrorCount == 0 {
				t.Fatalf("tofu validate passed; want an error mentioning %q", c.want)
			}
			for _, d := range v.Errors() {
				text := d.Summary + ": " + d.Detail
				if containsAll(text, c.want) && d.Range != nil && d.Range.Filename == "functions.tf" {
					return
				}
			}
			t.Errorf("no error in functions.tf mentions all of %q; got:\n%s", c.want, diagnosticsText(v.Errors()))
		})
	}
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func diagnosticsText(ds []TofuDiagnostic) string {
	var lines []string
	for _, d := range ds {
		lines = append(lines, d.String())
	}
	return strings.Join(lines, "\n")
}
