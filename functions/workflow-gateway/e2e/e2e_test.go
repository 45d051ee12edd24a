// Package e2e runs the workflow gateway end to end: the real function binaries behind the local
// gateway (package stacktest, as `make run` sets them up), with tokens of the seeded accounts.
package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	workflowgateway "github.com/octo-drone-shop/serverless/functions/workflow-gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlid"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

func token(t *testing.T, st *stacktest.Stack, username string) string {
	t.Helper()
	var id int64
	var role string
	if err := st.DB.QueryRowContext(t.Context(), "SELECT id, role FROM users WHERE username = :1", username).Scan(&id, &role); err != nil {
		t.Fatal(err)
	}
	tok, err := st.Issuer.Issue(identity.Grant{UserID: id, Scopes: identity.ScopesForRole(role)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func call(t *testing.T, st *stacktest.Stack, method, path, bearer, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, st.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestEachCatalogQueryThroughTheGatewayWritesALinkedExecutionWithItsSQLID(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	admin := token(t, st, seed.AdminUser)
	for _, q := range workflowgateway.Catalog() {
		status, body := call(t, st, "POST", "/api/workflows/queries/"+q.Name+"/run", admin, `{"max_rows": 10}`)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", q.Name, status, body)
		}
		var run workflowgateway.Run
		if err := json.Unmarshal(body, &run); err != nil {
			t.Fatal(err)
		}
		if run.Status != "succeeded" || len(run.Executions) != 1 {
			t.Fatalf("%s: run %+v", q.Name, run)
		}
		var text, id string
		var runID int64
		if err := st.DB.QueryRowContext(t.Context(), `SELECT query_text, sql_id, workflow_run_id FROM query_executions WHERE id = :1`,
			run.Executions[0].ID).Scan(&text, &id, &runID); err != nil {
			t.Fatal(err)
		}
		if runID != run.ID || id != sqlid.Of(text) || text != q.SQL {
			t.Fatalf("%s: stored sql_id %s, sqlid of stored text %s, run %d want %d", q.Name, id, sqlid.Of(text), runID, run.ID)
		}
	}

	// The support login (staff without ops) is refused by the gateway; runsql is a 400; Select AI
	// on the embedded database a 501.
	if status, _ := call(t, st, "GET", "/api/workflows/queries", token(t, st, seed.SupportUser), ""); status != http.StatusForbidden {
		t.Fatalf("support: %d", status)
	}
	if status, body := call(t, st, "POST", "/api/workflows/select-ai", admin, `{"prompt":"hi","action":"runsql"}`); status != http.StatusBadRequest {
		t.Fatalf("runsql: %d %s", status, body)
	}
	if status, body := call(t, st, "POST", "/api/workflows/select-ai", admin, `{"prompt":"hi","action":"chat"}`); status != http.StatusNotImplemented {
		t.Fatalf("chat on the embedded database: %d %s", status, body)
	}
}
