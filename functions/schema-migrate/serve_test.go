package schemamigrate

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
)

// buildBinary builds cmd/schema-migrate once per test into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), Name)
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/"+Name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// invoke sends one plain invocation (no Fn-Intent, as `oci fn function invoke` does) over the OCI
// Functions http-stream protocol and returns the answer.
func invoke(t *testing.T, p *gateway.Process) (int, []byte) {
	t.Helper()
	res, err := p.Client().Do(t.Context(), gateway.Call{ID: "call-" + time.Now().Format("150405.000000000"),
		Deadline: time.Now().Add(time.Minute), ContentType: "application/json", Body: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	return res.Status, res.Body
}

// The function runs the real migrator through package serve under the Functions protocol (the same
// process, socket and call shape as OCI's agent) against the embedded database: the first invocation
// applies every migration and records it, the second changes nothing. Its APM data key is unreadable
// (Vault answers 500 to the real SDK): it starts and serves all the same.
func TestInvocationMigratesTheEmbeddedDatabase(t *testing.T) {
	bin := buildBinary(t)
	dbPath := filepath.Join(t.TempDir(), "octo.db")
	fakePrincipal(t)
	var vaultCalls atomic.Int32
	vault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vaultCalls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer vault.Close()
	env := append(os.Environ(), "OCTO_VAULT_ENDPOINT="+vault.URL, "OCTO_APM_ENDPOINT=http://127.0.0.1:9",
		"OCTO_APM_DATA_KEY_SECRET_OCID=ocid1.vaultsecret.oc1.iad.apm")
	p, err := gateway.StartProcess(t.Context(), gateway.ProcessSpec{Name: Name, Binary: bin,
		Env: gateway.FunctionEnv(declared, dbPath, env), Stderr: os.Stderr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(5 * time.Second) })

	want, err := schema.Migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	status, body := invoke(t, p)
	var rep Report
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatalf("answer %d %s: %v", status, body, err)
	}
	if status != 200 || rep.Status != "ok" || rep.Dialect != "sqlite" || len(rep.Applied) != len(want) || rep.Current != len(want) {
		t.Fatalf("first invocation: %d %+v, want ok with %d versions applied", status, rep, len(want))
	}

	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var recorded int
	if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM schema_migrations").Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != len(want) {
		t.Errorf("schema_migrations holds %d versions, want %d", recorded, len(want))
	}

	status, body = invoke(t, p)
	rep = Report{}
	if err := json.Unmarshal(body, &rep); err != nil || status != 200 || rep.Status != "ok" || len(rep.Applied) != 0 || rep.Current != len(want) {
		t.Fatalf("second invocation: %d %s (%v), want ok with nothing applied", status, body, err)
	}
	if !strings.Contains(rep.Summary, "up to date") {
		t.Errorf("second summary %q, want up to date", rep.Summary)
	}
	if vaultCalls.Load() != 1 {
		t.Errorf("APM key reads %d, want one failed read at cold start", vaultCalls.Load())
	}
}

// A migration that cannot run answers an error, never "ok": make deploy-migrate fails on it.
func TestInvocationReportsAFailure(t *testing.T) {
	bin := buildBinary(t)
	dbPath := filepath.Join(t.TempDir(), "missing-dir", "octo.db")
	p, err := gateway.StartProcess(t.Context(), gateway.ProcessSpec{Name: Name, Binary: bin,
		Env: gateway.FunctionEnv(declared, dbPath, nil)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop(5 * time.Second) })
	status, body := invoke(t, p)
	if strings.Contains(string(body), `"status":"ok"`) || !strings.Contains(string(body), "internal") {
		t.Fatalf("answer %d %s, want an internal error", status, body)
	}
}
