package tfcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ProviderVersion is the oracle/oci version whose published schema the schema server serves (and that
// terraform/versions.tf requires): the filesystem mirror offers the server as exactly this version.
const ProviderVersion = "8.28.0"

// ProviderSource is the provider's source address as OpenTofu spells it in full.
const ProviderSource = "registry.opentofu.org/oracle/oci"

// OfflineTofu runs `tofu validate` with no network: oracle/oci is installed from a filesystem mirror
// holding the schema server (shared/cmd/oci-schema-provider), which answers the provider's real
// published schema over the plugin protocol. OpenTofu itself then checks types, required, optional
// and read-only arguments, nested blocks and their counts, references and functions; what it cannot
// check is what the real provider's code validates (value ranges, conflicting arguments).
type OfflineTofu struct {
	bin string
	env []string
}

// NewOfflineTofu lays out plugin (a built oci-schema-provider) in a filesystem mirror under dir as
// ProviderSource ProviderVersion for this platform, and writes a CLI configuration that installs
// oracle/oci from that mirror only: any other provider, or a registry lookup, fails instead of going
// to the network. schema is the `providers schema -json` file the plugin serves.
func NewOfflineTofu(bin, plugin, schema, dir string) (*OfflineTofu, error) {
	mirror := filepath.Join(dir, "mirror")
	platform := runtime.GOOS + "_" + runtime.GOARCH
	target := filepath.Join(mirror, filepath.FromSlash(ProviderSource), ProviderVersion, platform,
		"terraform-provider-oci_v"+ProviderVersion)
	if err := copyExecutable(plugin, target); err != nil {
		return nil, err
	}
	schema, err := filepath.Abs(schema)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(schema); err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	config := filepath.Join(dir, "tofu.tfrc")
	body := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n",
		mirror, ProviderSource)
	if err := os.WriteFile(config, []byte(body), 0o644); err != nil {
		return nil, err
	}
	// The caller's TF_* variables stay out (TF_CLI_ARGS, TF_DATA_DIR or TF_PLUGIN_CACHE_DIR would change
	// what runs); the plugin inherits OCTO_OCI_SCHEMA from tofu.
	env := []string{"TF_CLI_CONFIG_FILE=" + config, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		SchemaEnv + "=" + schema}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, SchemaEnv+"=") && !strings.HasPrefix(kv, "CHECKPOINT_") {
			env = append(env, kv)
		}
	}
	return &OfflineTofu{bin: bin, env: env}, nil
}

func copyExecutable(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("schema provider plugin: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}

// Validation is the answer of `tofu validate -json`.
type Validation struct {
	Valid        bool             `json:"valid"`
	ErrorCount   int              `json:"error_count"`
	WarningCount int              `json:"warning_count"`
	Diagnostics  []TofuDiagnostic `json:"diagnostics"`
}

// TofuDiagnostic is one diagnostic of `tofu validate -json`.
type TofuDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line int `json:"line"`
		} `json:"start"`
	} `json:"range"`
}

func (d TofuDiagnostic) String() string {
	at := ""
	if d.Range != nil {
		at = fmt.Sprintf("%s:%d: ", d.Range.Filename, d.Range.Start.Line)
	}
	return fmt.Sprintf("%s%s: %s: %s", at, d.Severity, d.Summary, d.Detail)
}

// Errors returns the error diagnostics.
func (v *Validation) Errors() []TofuDiagnostic {
	var errs []TofuDiagnostic
	for _, d := range v.Diagnostics {
		if d.Severity == "error" {
			errs = append(errs, d)
		}
	}
	return errs
}

// Validate runs `tofu init -backend=false` and `tofu validate -json` in dir, a copy of the Terraform
// (init writes .terraform and a lock file there). A lock file in dir is removed first: its checksums
// are the real provider's, which the schema server never matches. A failed init is an error; a
// configuration that does not validate is a Validation with error diagnostics.
func (t *OfflineTofu) Validate(dir string) (*Validation, error) {
	if err := os.Remove(filepath.Join(dir, ".terraform.lock.hcl")); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if out, errOut, err := t.run(dir, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return nil, fmt.Errorf("tofu init: %w\n%s%s", err, out, errOut)
	}
	out, errOut, err := t.run(dir, "validate", "-json", "-no-color")
	var v Validation
	if jerr := json.Unmarshal(out, &v); jerr != nil {
		return nil, fmt.Errorf("tofu validate: %v (output not JSON: %v)\n%s%s", err, jerr, out, errOut)
	}
	if (err != nil) != (v.ErrorCount > 0) || v.ErrorCount != len(v.Errors()) {
		return nil, fmt.Errorf("tofu validate: exit %v with %d error diagnostics\n%s%s", err, v.ErrorCount, out, errOut)
	}
	return &v, nil
}

func (t *OfflineTofu) run(dir string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.Command(t.bin, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = t.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}
