package catalog

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/octo-drone-shop/serverless/shared/boot"
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver" // the local build's SQLite, as the function's main links it
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// TestEveryStatementIsTracedAsATPWouldSeeIt drives a request through the real function wiring (boot:
// config, telemetry, data layer, middleware) and checks each statement's span against what Oracle
// would receive: the SQL_ID the operator's `octo sqlid` computes for the span's statement text, and
// the session tags MODULE, ACTION and CLIENT_IDENTIFIER.
func TestEveryStatementIsTracedAsATPWouldSeeIt(t *testing.T) {
	seeded := dbtest.Open(t, dbtest.Options{Seed: true})
	octo := filepath.Join(t.TempDir(), "octo")
	if out, err := exec.Command("go", "build", "-o", octo, "github.com/octo-drone-shop/serverless/shared/cmd/octo").CombinedOutput(); err != nil {
		t.Fatalf("build octo: %v\n%s", err, out)
	}

	rec := tracetest.NewSpanRecorder()
	var logs bytes.Buffer
	seeded.RequireSQLite(t)
	env := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": seeded.Path, "OCTO_FUNCTION_VERSION": "1.2.3"}
	e, err := boot.Open(context.Background(), Name, func(k string) string { return env[k] },
		boot.Options{LogOutput: &logs, Telemetry: telemetry.Config{SpanProcessors: []sdktrace.SpanProcessor{rec}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	h, err := New(e.DB, e.Log)
	if err != nil {
		t.Fatal(err)
	}

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req := httptest.NewRequest("GET", "/api/products?limit=3", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	res := httptest.NewRecorder()
	e.Handler(h).ServeHTTP(res, req)
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}

	var server sdktrace.ReadOnlySpan
	var statements []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		switch s.SpanKind() {
		case trace.SpanKindServer:
			server = s
		case trace.SpanKindClient:
			statements = append(statements, s)
		}
	}
	if server == nil {
		t.Fatal("no server span")
	}
	if server.Name() != "GET /api/products" || server.SpanContext().TraceID().String() != traceID {
		t.Fatalf("server span %q in trace %s, want GET /api/products in %s", server.Name(), server.SpanContext().TraceID(), traceID)
	}
	if len(statements) != 1 {
		t.Fatalf("%d statement spans, want 1 (the list is one query)", len(statements))
	}
	for _, s := range statements {
		a := attrs(s.Attributes())
		if s.Parent().SpanID() != server.SpanContext().SpanID() {
			t.Errorf("statement span's parent is %s, want the request span %s", s.Parent().SpanID(), server.SpanContext().SpanID())
		}
		text := a["db.query.text"]
		if !strings.Contains(text, "FROM products") || strings.Contains(text, "?") || a["DbStatement"] != text {
			t.Errorf("db.query.text = %q, DbStatement = %q; want the Oracle text the function sends", text, a["DbStatement"])
		}
		out, err := exec.Command(octo, "sqlid", text).Output()
		if err != nil {
			t.Fatalf("octo sqlid: %v", err)
		}
		if want := strings.TrimSpace(string(out)); a["DbOracleSqlId"] != want || len(want) != 13 {
			t.Errorf("DbOracleSqlId = %q, octo sqlid says %q", a["DbOracleSqlId"], want)
		}
		want := map[string]string{
			"oracle.module":            "octo-drone-shop",
			"oracle.action":            server.Name(),
			"oracle.client_identifier": traceID,
			"oracle.client_info":       "catalog@1.2.3",
		}
		for k, v := range want {
			if a[k] != v {
				t.Errorf("%s = %q, want %q", k, a[k], v)
			}
		}
	}

	var access struct {
		Msg          string `json:"msg"`
		Statements   int    `json:"db_statements"`
		TraceID      string `json:"trace_id"`
		Status       int    `json:"status"`
		RequestIDSet string `json:"request_id"`
	}
	for _, line := range bytes.Split(logs.Bytes(), []byte("\n")) {
		if bytes.Contains(line, []byte(`"msg":"request"`)) {
			if err := json.Unmarshal(line, &access); err != nil {
				t.Fatal(err)
			}
		}
	}
	if access.Statements != 1 || access.TraceID != traceID || access.Status != 200 || access.RequestIDSet == "" {
		t.Errorf("access log = %+v, want 1 statement, the trace id, status 200 and a request id", access)
	}
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}
