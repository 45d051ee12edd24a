package tfcheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// tfFunction is one element of local.functions as Terraform evaluates it.
type tfFunction struct {
	Memory      int               `json:"memory"`
	Timeout     int               `json:"timeout"`
	Config      map[string]string `json:"config"`
	Authorizer  bool              `json:"authorizer"`
	TokenSigner bool              `json:"token_signer"`
	Migrator    bool              `json:"migrator"`
	Schedule    *struct {
		Cron     string          `json:"cron"`
		TimeZone string          `json:"time_zone"`
		Body     json.RawMessage `json:"body"`
	} `json:"schedule"`
	Routes []tfRoute `json:"routes"`
}

type tfRoute struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Scope      string `json:"scope"`
	Permission string `json:"permission"`
	Auth       string `json:"auth"`
	Function   string `json:"function"`
}

// terraformView evaluates terraform/'s declaration locals for the repository at root.
func terraformView(t *testing.T, root string) (map[string]tfFunction, []tfRoute, []string, []string) {
	t.Helper()
	fns, routes, scheduled, authorizers, _ := terraformTokens(t, root)
	return fns, routes, scheduled, authorizers
}

// terraformTokens is terraformView plus local.token_config (the plain token variables each function
// gets) and local.function_secret_config (the secret OCID variables each function gets, naming the
// secret).
func terraformTokens(t *testing.T, root string) (map[string]tfFunction, []tfRoute, []string, []string, map[string][]string) {
	fns, routes, scheduled, authorizers, tokens, _ := terraformSecrets(t, root)
	return fns, routes, scheduled, authorizers, tokens
}

func terraformSecrets(t *testing.T, root string) (map[string]tfFunction, []tfRoute, []string, []string, map[string][]string, map[string]map[string]string) {
	t.Helper()
	vals, err := EvalLocals(filepath.Join(root, "terraform"), "functions", "routes", "scheduled_functions", "authorizer_names", "token_config", "function_secret_config")
	if err != nil {
		t.Fatal(err)
	}
	decode := func(name string, dst any) {
		t.Helper()
		data, err := ctyjson.SimpleJSONValue{Value: vals[name]}.MarshalJSON()
		if err != nil {
			t.Fatalf("local.%s: %v", name, err)
		}
		if err := json.Unmarshal(data, dst); err != nil {
			t.Fatalf("local.%s: %v in %s", name, err, data)
		}
	}
	var fns map[string]tfFunction
	var routes []tfRoute
	var scheduled map[string]json.RawMessage
	var authorizers []string
	decode("functions", &fns)
	decode("routes", &routes)
	decode("scheduled_functions", &scheduled)
	decode("authorizer_names", &authorizers)
	var tokens map[string][]string
	decode("token_config", &tokens)
	var secrets map[string]map[string]string
	decode("function_secret_config", &secrets)
	var names []string
	for n := range scheduled {
		names = append(names, n)
	}
	sort.Strings(names)
	return fns, routes, names, authorizers, tokens, secrets
}

// compareWithManifest fails t wherever Terraform's view of the bundle differs from manifest.Load's.
func compareWithManifest(t *testing.T, root string) {
	t.Helper()
	bundle, err := funcyaml.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	fns, routes, scheduled, authorizers, tokens, secrets := terraformSecrets(t, root)

	var tfNames []string
	for n := range fns {
		tfNames = append(tfNames, n)
	}
	sort.Strings(tfNames)
	if !slices.Equal(tfNames, bundle.Names()) {
		t.Fatalf("terraform functions %v, declarations %v", tfNames, bundle.Names())
	}
	var wantScheduled, wantAuthorizers []string
	for _, f := range bundle.Functions {
		got := fns[f.Name]
		if got.Memory != f.Memory || got.Timeout != f.Timeout {
			t.Errorf("%s: terraform memory/timeout %d/%d, declared %d/%d", f.Name, got.Memory, got.Timeout, f.Memory, f.Timeout)
		}
		if !reflect.DeepEqual(got.Config, f.Config) {
			t.Errorf("%s: terraform config %v, declared %v", f.Name, got.Config, f.Config)
		}
		if got.Authorizer != f.Authorizer {
			t.Errorf("%s: terraform authorizer %v, declared %v", f.Name, got.Authorizer, f.Authorizer)
		}
		if f.Authorizer {
			wantAuthorizers = append(wantAuthorizers, f.Name)
		}
		if got.Migrator != f.Migrator {
			t.Errorf("%s: terraform migrator %v, declared %v", f.Name, got.Migrator, f.Migrator)
		}
		if got.TokenSigner != f.TokenSigner {
			t.Errorf("%s: terraform token_signer %v, declared %v", f.Name, got.TokenSigner, f.TokenSigner)
		}
		// Only the signer gets the signing key's secret, only the authorizer and the functions that
		// verify tokens on their auth: optional routes the public keys; the
		// authorizer gets no secret at all, and only the migrator the ADMIN password.
		var wantTokens []string
		if f.Authorizer || slices.ContainsFunc(f.Routes, manifest.Route.TokenOptional) {
			wantTokens = append(wantTokens, "OCTO_TOKEN_PUBLIC_KEYS")
		}
		if !slices.Equal(tokens[f.Name], wantTokens) {
			t.Errorf("%s: terraform token variables %v, want %v", f.Name, tokens[f.Name], wantTokens)
		}
		if got := secrets[f.Name]["OCTO_TOKEN_KEY_SECRET_OCID"] == "token_key"; got != f.TokenSigner {
			t.Errorf("%s: gets the signing key's secret: %v, token_signer: %v", f.Name, got, f.TokenSigner)
		}
		if f.Authorizer && len(secrets[f.Name]) != 0 {
			t.Errorf("%s: the authorizer gets secrets %v, want none", f.Name, secrets[f.Name])
		}
		if got := slices.Contains(slices.Collect(maps.Values(secrets[f.Name])), "db_admin_password"); got != f.Migrator {
			t.Errorf("%s: gets the ADMIN password's secret: %v, migrator: %v", f.Name, got, f.Migrator)
		}
		switch {
		case f.Schedule == nil && got.Schedule != nil:
			t.Errorf("%s: terraform schedules it, the declaration does not", f.Name)
		case f.Schedule != nil && got.Schedule == nil:
			t.Errorf("%s: declared schedule missing from terraform", f.Name)
		case f.Schedule != nil:
			wantScheduled = append(wantScheduled, f.Name)
			wantBody, err := json.Marshal(f.Schedule.Body)
			if err != nil {
				t.Fatal(err)
			}
			if got.Schedule.Cron != f.Schedule.Cron || got.Schedule.TimeZone != f.Schedule.TimeZone || !jsonEqual(t, got.Schedule.Body, wantBody) {
				t.Errorf("%s: terraform schedule %s %s %s, declared %s %s %s", f.Name,
					got.Schedule.Cron, got.Schedule.TimeZone, got.Schedule.Body, f.Schedule.Cron, f.Schedule.TimeZone, wantBody)
			}
		}
	}
	if !slices.Equal(scheduled, wantScheduled) {
		t.Errorf("terraform scheduled functions %v, declared %v", scheduled, wantScheduled)
	}
	if !slices.Equal(authorizers, wantAuthorizers) {
		t.Errorf("terraform authorizers %v, declared %v", authorizers, wantAuthorizers)
	}

	var want []tfRoute
	for _, r := range bundle.Routes() {
		want = append(want, tfRoute{Method: r.Method, Path: r.Path, Scope: string(r.Scope), Permission: string(r.Permission), Auth: string(r.Auth), Function: r.Function})
	}
	sortRoutes(routes)
	sortRoutes(want)
	if !slices.Equal(routes, want) {
		t.Errorf("terraform routes\n%v\ndeclared routes\n%v", routes, want)
	}
}

func sortRoutes(rs []tfRoute) {
	sort.Slice(rs, func(i, j int) bool { return fmt.Sprint(rs[i]) < fmt.Sprint(rs[j]) })
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestTerraformMatchesDeclarations(t *testing.T) {
	compareWithManifest(t, repoRoot(t))
	comparePrincipalRoutes(t, repoRoot(t))
}

// comparePrincipalRoutes checks that API Gateway sets the principal headers from request.auth on
// exactly the routes the local gateway forwards a principal to (protected routes) and blocks them on
// the others, auth: optional routes included (their functions verify the token themselves).
func comparePrincipalRoutes(t *testing.T, root string) {
	t.Helper()
	bundle, err := funcyaml.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := EvalLocals(filepath.Join(root, "terraform"), "principal_routes")
	if err != nil {
		t.Fatal(err)
	}
	data, err := ctyjson.SimpleJSONValue{Value: vals["principal_routes"]}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	var want []string
	optional := 0
	for _, r := range bundle.Routes() {
		if r.Scope != manifest.Public {
			want = append(want, r.Pattern())
		}
		if r.TokenOptional() {
			optional++
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("terraform sets the principal headers on\n%v\nthe declarations forward a principal to\n%v", got, want)
	}
	if optional == 0 {
		t.Error("no route declares auth: optional: the comparison checked no optional route")
	}
}

// TestTerraformMatchesDeclarationsFixture runs the real terraform/*.tf over a bundle that exercises what
// the repository may not have yet: overridden defaults, merged config, a schedule, the authorizer,
// several routes per function.
func TestTerraformMatchesDeclarationsFixture(t *testing.T) {
	root := t.TempDir()
	tfFiles, err := filepath.Glob(filepath.Join(repoRoot(t), "terraform", "*.tf"))
	if err != nil || len(tfFiles) == 0 {
		t.Fatalf("no terraform files: %v", err)
	}
	for _, f := range tfFiles {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(root, "terraform", filepath.Base(f)), string(src))
	}
	files := map[string]string{
		"func.yaml": `schema_version: 20180708
version: 0.1.0
runtime: docker
memory: 256
timeout: 30
idle_timeout: 300
config:
  OCTO_SERVICE_NAME: octo
  OCTO_DB_DRIVER: oracle
`,
		"functions/shop/func.yaml": `schema_version: 20180708
name: shop
memory: 512
token_signer: true
config:
  OCTO_DB_DRIVER: sqlite
  OCTO_SHOP_MODE: full
smoke: {method: GET, path: /api/shops/1}
routes:
  - method: GET
    path: /api/shops/{id}
    scope: public
  - method: POST
    path: /api/shops
    scope: staff
    rate: {per_second: 5}
  - method: GET
    path: /api/shops/{id}/visits
    scope: public
    auth: optional
`,
		"functions/rollup/func.yaml": `schema_version: 20180708
name: rollup
timeout: 120
schedule:
  cron: "0 * * * *"
  time_zone: Europe/Paris
  body: {"rollup": "hourly", "days": 2}
`,
		"functions/authorizer/func.yaml": `schema_version: 20180708
name: authorizer
memory: 128
authorizer: true
`,
		"functions/load/func.yaml": `schema_version: 20180708
name: load
timeout: 300
migrator: true
`,
		"go.work": "go 1.26.0\n\nuse (\n\t./functions/authorizer\n\t./functions/load\n\t./functions/rollup\n\t./functions/shop\n)\n",
	}
	for name, content := range files {
		writeFile(t, filepath.Join(root, name), content)
	}
	compareWithManifest(t, root)
	comparePrincipalRoutes(t, root)

	// The comparison must be able to fail: a declaration Terraform ignores is a mismatch.
	fns, _, _, _ := terraformView(t, root)
	if fns["shop"].Config["OCTO_DB_DRIVER"] != "sqlite" || fns["shop"].Config["OCTO_SERVICE_NAME"] != "octo" {
		t.Errorf("config not merged key by key: %v", fns["shop"].Config)
	}
	if fns["rollup"].Memory != 256 || fns["rollup"].Timeout != 120 {
		t.Errorf("defaults not applied: rollup %+v", fns["rollup"])
	}
	_, _, _, _, tokens, secrets := terraformSecrets(t, root)
	// shop declares an auth: optional route, so it verifies tokens itself with the public keys.
	if !slices.Equal(tokens["shop"], []string{"OCTO_TOKEN_PUBLIC_KEYS"}) || len(tokens["rollup"]) != 0 || !slices.Equal(tokens["authorizer"], []string{"OCTO_TOKEN_PUBLIC_KEYS"}) {
		t.Errorf("token variables %v: want the public keys for the authorizer and shop only", tokens)
	}
	if secrets["shop"]["OCTO_TOKEN_KEY_SECRET_OCID"] != "token_key" || secrets["rollup"]["OCTO_TOKEN_KEY_SECRET_OCID"] != "" ||
		len(secrets["authorizer"]) != 0 || secrets["load"]["OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID"] != "db_admin_password" ||
		secrets["shop"]["OCTO_DB_PASSWORD_SECRET_OCID"] != "db_app_password" || secrets["load"]["OCTO_DB_PASSWORD_SECRET_OCID"] != "db_schema_password" {
		t.Errorf("secret variables %v: want the signing key for shop only, none for the authorizer, the ADMIN and schema owner passwords for load only", secrets)
	}
}

// wiringKeys returns the variable names main.tf hands functions besides their declarations: the
// database and migrator wiring, and every secret OCID variable of every need.
func wiringKeys(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "terraform")
	exprs, err := parseLocals(dir)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, name := range []string{"database_wiring", "migrate_wiring"} {
		obj, ok := exprs[name].(*hclsyntax.ObjectConsExpr)
		if !ok || len(obj.Items) == 0 {
			t.Fatalf("local.%s is %T, want a non-empty object", name, exprs[name])
		}
		for _, item := range obj.Items {
			key, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() {
				t.Fatalf("%s key: %v", name, diags)
			}
			keys = append(keys, key.AsString())
		}
	}
	vals, err := EvalLocals(dir, "need_secret_config")
	if err != nil {
		t.Fatal(err)
	}
	for _, need := range vals["need_secret_config"].AsValueMap() {
		for k := range need.AsValueMap() {
			keys = append(keys, k)
		}
	}
	return keys
}

// No function gets a token key through the wiring database functions share: main.tf's
// database_wiring and migrate_wiring name no OCTO_TOKEN_* variable (token_config and the token
// signer's need hand them out).
func TestSharedWiringHoldsNoTokenKey(t *testing.T) {
	exprs, err := parseLocals(filepath.Join(repoRoot(t), "terraform"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"database_wiring", "migrate_wiring"} {
		obj, ok := exprs[name].(*hclsyntax.ObjectConsExpr)
		if !ok {
			t.Fatalf("local.%s is %T, want an object", name, exprs[name])
		}
		for _, item := range obj.Items {
			if key, _ := item.KeyExpr.Value(nil); strings.HasPrefix(key.AsString(), "OCTO_TOKEN_") {
				t.Errorf("%s gives functions %s", name, key.AsString())
			}
		}
	}
}

// Every variable the wiring hands every function is read by the code a function runs: its name
// stands as a string literal in a non-test Go file of a function or of the shared packages functions
// import (not the local gateway, the tools or the benchmarks, which only set such variables). A
// variable nothing reads is configuration that lies about what the deployment does.
func TestSharedWiringIsReadByTheFunctions(t *testing.T) {
	root := repoRoot(t)
	notRuntime := []string{"shared/gateway", "shared/cmd", "shared/internal", "shared/tfcheck", "shared/stacktest", "shared/dbtest"}
	var sources []string
	for _, dir := range []string{"shared", "functions"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			if d.IsDir() && slices.Contains(notRuntime, filepath.ToSlash(rel)) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(path)
			sources = append(sources, string(b))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range wiringKeys(t) {
		if !slices.ContainsFunc(sources, func(src string) bool { return strings.Contains(src, `"`+key+`"`) }) {
			t.Errorf("terraform gives functions %s, which no function reads", key)
		}
	}
}

func TestEvalLocalsRefusesWhatIsUnknownOffline(t *testing.T) {
	tests := []struct {
		name, src, local, want string
	}{
		{"variable reference fails", `locals { a = var.x }`, "a", "refers to var.*"},
		{"resource reference fails", `locals { a = oci_x.y.id }`, "a", "oci_x.*"},
		{"cycle fails", "locals {\n a = local.b\n b = local.a\n}", "a", "depends on itself"},
		{"undefined local fails", `locals { a = local.nope }`, "a", "local.nope is not defined"},
		{"unknown function fails", `locals { a = timestamp() }`, "a", "timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "main.tf"), tt.src)
			_, err := EvalLocals(dir, tt.local)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("EvalLocals error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
