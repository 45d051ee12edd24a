package funcyaml

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

const validFn = `schema_version: 20180708
name: cart
runtime: docker
memory: 256
timeout: 30
smoke: {method: GET, path: /api/carts/abc}
routes:
  - {method: GET, path: '/api/carts/{cart_id}', scope: public}
  - {method: POST, path: '/api/carts/{cart_id}/items', scope: public, body_limit: 4096}
`

func TestParseAndValidate(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		wantErr string
	}{
		{"valid declaration passes", validFn, ""},
		{"unknown key is rejected", validFn + "routs: []\n", "field routs not found"},
		{"bad memory is rejected", strings.Replace(validFn, "memory: 256", "memory: 300", 1), "memory 300"},
		{"timeout over 300 s is rejected", strings.Replace(validFn, "timeout: 30", "timeout: 301", 1), "timeout 301"},
		{"non-docker runtime is rejected", strings.Replace(validFn, "runtime: docker", "runtime: go", 1), "runtime must be docker"},
		{"bad scope is rejected", strings.Replace(validFn, "scope: public}\n  - {method: POST", "scope: root}\n  - {method: POST", 1), `scope "root"`},
		{"path outside /api is rejected", strings.Replace(validFn, "/api/carts/{cart_id}', scope: public}\n  - {method: POST", "/carts/{cart_id}', scope: public}\n  - {method: POST", 1), "must start with /api/"},
		{"colliding templates are rejected", validFn + "  - {method: GET, path: '/api/carts/{id}', scope: public}\n", "collides"},
		{"bad method is rejected", strings.Replace(validFn, "{method: GET, path: '", "{method: FETCH, path: '", 1), "method must be"},
		{"missing smoke request is rejected", strings.Replace(validFn, "smoke: {method: GET, path: /api/carts/abc}\n", "", 1), "declares no smoke request"},
		{"smoke request to no route is rejected", strings.Replace(validFn, "/api/carts/abc}", "/api/carts/abc/items}", 1), "matches none of its routes"},
		{"smoke request with the wrong method is rejected", strings.Replace(validFn, "smoke: {method: GET", "smoke: {method: DELETE", 1), "matches none of its routes"},
		{"smoke request to a protected route needs its scope", strings.Replace(validFn, "cart_id}', scope: public}\n  - {method: POST", "cart_id}', scope: customer}\n  - {method: POST", 1), "needs as: customer"},
		{"smoke request to a public route takes no account", strings.Replace(validFn, "/api/carts/abc}", "/api/carts/abc, as: admin}", 1), "drop as"},
		{"a token signer passes", validFn + "token_signer: true\n", ""},
		{"a migrator without routes passes", "schema_version: 20180708\nname: load\nruntime: docker\nmemory: 256\ntimeout: 300\nmigrator: true\n", ""},
		{"a migrator with routes is rejected", validFn + "migrator: true\n", "the migrator is invoked by the deploy step only"},
		{"the authorizer may not sign tokens", "schema_version: 20180708\nname: authorizer\nruntime: docker\nmemory: 128\ntimeout: 10\nauthorizer: true\ntoken_signer: true\n",
			"may not be the token_signer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.yaml))
			if err == nil {
				err = f.Validate()
			}
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

// writeBundle lays out a minimal repository with the given function declarations.
func writeBundle(t *testing.T, work string, fns map[string]string) string {
	t.Helper()
	root := t.TempDir()
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("func.yaml", "schema_version: 20180708\nversion: 0.1.0\nruntime: docker\nmemory: 256\ntimeout: 30\n")
	write("go.work", work)
	for name, y := range fns {
		write("functions/"+name+"/func.yaml", y)
	}
	return root
}

func TestLoadBundle(t *testing.T) {
	cart := "name: cart\nsmoke: {method: GET, path: /api/carts/1}\nroutes:\n  - {method: GET, path: '/api/carts/{cart_id}', scope: public}\n"
	catalog := "name: catalog\nsmoke: {method: GET, path: /api/products}\nroutes:\n  - {method: GET, path: '/api/products', scope: public}\n"
	tests := []struct {
		name    string
		work    string
		fns     map[string]string
		wantErr string
	}{
		{"consistent bundle loads", "go 1.26\nuse (\n\t./functions/cart\n\t./functions/catalog\n\t./shared\n)\n",
			map[string]string{"cart": cart, "catalog": catalog}, ""},
		{"function missing from go.work fails", "go 1.26\nuse ./functions/cart\n",
			map[string]string{"cart": cart, "catalog": catalog}, "go.work uses functions [cart]"},
		{"go.work module without declaration fails", "go 1.26\nuse (\n\t./functions/cart\n\t./functions/gone\n)\n",
			map[string]string{"cart": cart}, "go.work uses functions [cart gone]"},
		{"name differing from directory fails", "go 1.26\nuse ./functions/cart\n",
			map[string]string{"cart": catalog}, "differs from its directory"},
		{"routes colliding across functions fail", "go 1.26\nuse (\n\t./functions/cart\n\t./functions/catalog\n)\n",
			map[string]string{"cart": cart, "catalog": catalog + "  - {method: GET, path: '/api/carts/{id}', scope: public}\n"}, "collides"},
		{"two token signers fail", "go 1.26\nuse (\n\t./functions/cart\n\t./functions/catalog\n)\n",
			map[string]string{"cart": cart + "token_signer: true\n", "catalog": catalog + "token_signer: true\n"}, "at most one may"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Load(writeBundle(t, tt.work, tt.fns))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Join(b.Names(), ","); got != "cart,catalog" {
					t.Errorf("names = %s", got)
				}
				if rs := b.Routes(); len(rs) != 2 || rs[0].Function != "cart" || rs[0].Route.Scope != manifest.Public {
					t.Errorf("routes = %+v", rs)
				}
				if f, _ := b.Function("cart"); f.Memory != 256 || f.SchemaVersion != 20180708 {
					t.Errorf("defaults not merged: %+v", f)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

// TestRepositoryBundle checks the real repository: go.work, functions/ and the declarations agree.
func TestRepositoryBundle(t *testing.T) {
	b, err := Load(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Functions) == 0 {
		t.Fatal("the repository declares no functions")
	}
}

// The compiled declarations committed under functions/ are what Generate writes from func.yaml.
func TestGeneratedDeclarationsAreCurrent(t *testing.T) {
	stale, err := Stale(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("out of date, run make generate: %v", stale)
	}
}

// GoSource compiles every kind of value a declaration holds, including a schedule body's nested
// YAML values, into Go that evaluates to the same declaration: the generated file is built and run
// (go run), and its value compared with the original.
func TestGoSourceEvaluatesToTheDeclaration(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	f, err := Parse([]byte(`schema_version: 20180708
name: rollups
version: 1.2.3
runtime: docker
memory: 512
timeout: 120
idle_timeout: 60
config: {B: "2", A: "x \"quoted\"\n"}
authorizer: false
routes:
  - {method: POST, path: '/api/things/{id}', scope: staff, body_limit: 2048, accept: [text/plain, text/csv], rate: {per_second: 3, key: TOTAL}}
  - {method: GET, path: /api/things, scope: public}
schedule:
  cron: "*/15 * * * *"
  time_zone: Europe/Berlin
  body: {window: 15m, ratio: 0.25, whole: 2.0, count: 3, on: true, none: null, nested: {list: [1, two, 3.5, false]}}
smoke: {method: GET, path: /api/things, body: '{"a":1}'}
`))
	if err != nil {
		t.Fatal(err)
	}
	src, err := GoSource("main", f)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(".", "gensrc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	prog := `package main

import (
	"encoding/json"
	"os"
)

func main() { _ = json.NewEncoder(os.Stdout).Encode(declared) }
`
	for name, data := range map[string][]byte{"declared.go": src, "main.go": []byte(prog)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "run", "./"+filepath.Base(dir))
	cmd.Stderr = os.Stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("go run the generated declaration: %v\n%s", err, src)
	}
	want, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("generated value\n%s\nwant\n%s\nsource:\n%s", got, want, src)
	}
	// JSON cannot tell an int from a float64 inside the schedule body: compare the Go types too.
	compact := strings.Join(strings.Fields(string(src)), "")
	for _, want := range []string{`"count":3,`, `"ratio":float64(0.25),`, `"whole":float64(2),`, `"none":nil,`, `"on":true,`} {
		if !strings.Contains(compact, want) {
			t.Errorf("generated source lacks %s", want)
		}
	}
}

// CheckCompiled, which every function's generated test calls, tells a current declaration from a
// stale one.
func TestCheckCompiled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "func.yaml")
	if err := os.WriteFile(path, []byte(validFn), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Parse([]byte(validFn))
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckCompiled(path, f); err != nil {
		t.Fatalf("current declaration: %v", err)
	}
	f.Routes[1].BodyLimit = 8192
	if err := CheckCompiled(path, f); err == nil || !strings.Contains(err.Error(), "make generate") {
		t.Fatalf("stale declaration: err = %v", err)
	}
}
