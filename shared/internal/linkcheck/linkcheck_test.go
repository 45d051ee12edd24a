// Package linkcheck holds the test that each function's binary links only the database driver its
// build runs (package dbdriver): the local build SQLite and no godror, the image's build (-tags
// oracle) godror and no SQLite, and the authorizer, which opens no database, neither; that no
// function links what only the tools run (the local gateway, the YAML reader); and that none links
// what it never runs at all: gRPC and the protobuf runtime (telemetry encodes OTLP/HTTP itself), and
// in the authorizer the OCI SDK (it reads no Vault secret); and that the local build links no package
// that needs cgo, so make build's static binaries stay possible. See ARCHITECTURE.md, "Cold start".
package linkcheck

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/internal/cgorule"
)

// The build tags of every binary (the Makefile's BUILD_TAGS) and the image's extra one.
const (
	buildTags  = "lambda.norpc,grpcnotrace"
	oracleTags = buildTags + ",oracle"
)

const (
	godror = "github.com/godror/godror"
	sqlite = "modernc.org/sqlite"
	grpc   = "google.golang.org/grpc"
	ociSDK = "github.com/oracle/oci-go-sdk/v65"
)

func TestEachBuildLinksOnlyItsDriver(t *testing.T) {
	if testing.Short() {
		t.Skip("lists the dependencies of every function twice")
	}
	root := repoRoot(t)
	noDB, cmds := functionsWithoutDatabase(t, root)
	for _, build := range []struct {
		name, tags    string
		want, mustNot string
	}{
		{"local", buildTags, sqlite, godror},
		{"oracle", oracleTags, godror, sqlite},
	} {
		t.Run(build.name, func(t *testing.T) {
			pkgs := listDeps(t, root, build.tags, cmds)
			if len(pkgs) != len(cmds) {
				t.Fatalf("go list found %d function commands, want %d", len(pkgs), len(cmds))
			}
			for fn, deps := range pkgs {
				links := func(prefix string) bool {
					for _, d := range deps {
						if d == prefix || strings.HasPrefix(d, prefix+"/") {
							return true
						}
					}
					return false
				}
				if links(build.mustNot) {
					t.Errorf("%s (%s build) links %s", fn, build.name, build.mustNot)
				}
				// What only the tools run: the local gateway, the declarations' YAML reader.
				for _, tool := range []string{"github.com/octo-drone-shop/serverless/shared/gateway", "gopkg.in/yaml.v3", "golang.org/x/mod"} {
					if links(tool) {
						t.Errorf("%s (%s build) links %s, which only the tools run", fn, build.name, tool)
					}
				}
				// What no function runs: gRPC and grpc-gateway came with the upstream OTLP/HTTP
				// exporters (shared/telemetry/internal/otlp replaces their HTTP half).
				for _, never := range []string{grpc, "github.com/grpc-ecosystem/grpc-gateway/v2", "go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp", "go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp"} {
					if links(never) {
						t.Errorf("%s (%s build) links %s, which no function runs", fn, build.name, never)
					}
				}
				// Telemetry encodes OTLP itself (easyproto): no generated OTLP messages, and in the local
				// build no protobuf runtime at all (the image's links it through godror).
				if links("go.opentelemetry.io/proto/otlp") || build.name == "local" && links("google.golang.org/protobuf") {
					t.Errorf("%s (%s build) links the protobuf runtime or the OTLP messages", fn, build.name)
				}
				// The authorizer reads no secret (package vault): no Vault client, no OCI SDK.
				if noDB[fn] && (links(ociSDK) || links("github.com/octo-drone-shop/serverless/shared/oracle/ocivault")) {
					t.Errorf("%s (%s build) links the OCI SDK, though it reads no Vault secret", fn, build.name)
				}
				switch {
				case noDB[fn] && (links(godror) || links(sqlite)):
					t.Errorf("%s opens no database but links a driver (%s build)", fn, build.name)
				case !noDB[fn] && !links(build.want):
					t.Errorf("%s (%s build) does not link %s: its main must import shared/dbdriver", fn, build.name, build.want)
				}
			}
		})
	}
}

// TestOnlyTheImageLinksVaultForTheDriver: the image's build reads the wallet, the password and the
// other secrets from OCI Vault, so its dbdriver links the Vault client; the local build runs outside
// OCI and its dbdriver links no Vault client and no OCI SDK (a function that calls an OCI service
// itself, GenAI or Email Delivery, still links that service's client).
func TestOnlyTheImageLinksVaultForTheDriver(t *testing.T) {
	root := repoRoot(t)
	const dbdriver = "./shared/dbdriver"
	for _, build := range []struct {
		name, tags string
		vault      bool
	}{{"local", buildTags, false}, {"oracle", oracleTags, true}} {
		cmd := exec.Command("go", "list", "-deps", "-tags="+build.tags, dbdriver)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOFLAGS=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		deps := strings.Fields(string(out))
		links := slices.Contains(deps, "github.com/octo-drone-shop/serverless/shared/oracle/ocivault")
		sdk := slices.ContainsFunc(deps, func(d string) bool { return strings.HasPrefix(d, ociSDK+"/") })
		if links != build.vault || sdk != build.vault {
			t.Errorf("%s build: dbdriver links the Vault client %v and the OCI SDK %v, want %v", build.name, links, sdk, build.vault)
		}
	}
}

// TestTheLocalBuildNeedsNoCgo: make build links every function without cgo (CGO_ENABLED=0, a static
// binary), which only works while no package of the local build, outside the standard library, has cgo
// files (package cgorule's rule; the image's build, which links godror, decides per function).
func TestTheLocalBuildNeedsNoCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("lists the dependencies of every function")
	}
	root := repoRoot(t)
	_, cmds := functionsWithoutDatabase(t, root)
	for _, c := range cmds {
		t.Run(path.Base(c), func(t *testing.T) {
			t.Parallel()
			pkgs, err := cgorule.Packages(t.Context(), root, buildTags, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(pkgs) > 0 {
				t.Errorf("%s links packages with cgo files in the local build, which make build links without cgo: %v", c, pkgs)
			}
		})
	}
}

// listDeps returns the dependencies of every function's command, by function name.
func listDeps(t *testing.T, root, tags string, cmds []string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-tags=" + tags, "-json=ImportPath,Deps"}, cmds...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string][]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		// .../functions/<name>/cmd/<name>
		parts := strings.Split(p.ImportPath, "/")
		if len(parts) >= 3 && parts[len(parts)-2] == "cmd" && parts[len(parts)-3] == parts[len(parts)-1] {
			pkgs[parts[len(parts)-1]] = p.Deps
		}
	}
	return pkgs
}

// functionsWithoutDatabase names the functions that use no database at all, the one declared
// `authorizer: true` (the migrator starts without boot's database too, but opens its own), and
// returns every function's command package, relative to root.
func functionsWithoutDatabase(t *testing.T, root string) (map[string]bool, []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "functions", "*", "cmd", "*", "main.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no function commands under %s: %v", root, err)
	}
	out := map[string]bool{}
	var cmds []string
	for _, f := range files {
		rel, err := filepath.Rel(root, filepath.Dir(f))
		if err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, "./"+filepath.ToSlash(rel))
		name := filepath.Base(filepath.Dir(f))
		decl, err := os.ReadFile(filepath.Join(root, "functions", name, "func.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(decl)) {
			if strings.TrimSpace(line) == "authorizer: true" {
				out[name] = true
			}
		}
	}
	if !out["authorizer"] {
		t.Error("no function is declared authorizer: true under the name authorizer: update this test")
	}
	return out, cmds
}

// repoRoot is the directory of go.work.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		t.Fatal(err)
	}
	w := strings.TrimSpace(string(out))
	if w == "" || w == "off" {
		t.Skip("needs the workspace (go.work)")
	}
	return filepath.Dir(w)
}
