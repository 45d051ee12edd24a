package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/serve"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

// An audit range whose CSV is larger than OCI Functions' 6 MB answer (~8 MB here) exports through
// the gateway and the fdk-go runtime in answers that fit, each saying in X-Export-Limit how many rows
// it holds, and continuing with before_id gives every row once. Before the export kept to the
// runtime's budget, the whole answer was refused.
func TestAnExportLargerThanTheRuntimesLimitArrivesInParts(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	const n = 26_000
	details := `{"note":"` + strings.Repeat("x", 240) + `"}`
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{"user:7", "export.check", "product", strconv.Itoa(i), details, "198.51.100.8", base.Add(time.Duration(i) * time.Second)}
	}
	if _, err := db.ExecBatch(t.Context(), st.DB, `INSERT INTO audit_logs (actor, action, entity_type, entity_id, details, ip_address, created_at)
VALUES (:1, :2, :3, :4, :5, :6, :7)`, rows); err != nil {
		t.Fatal(err)
	}
	admin := st.Login(t, "admin@octo-drone-shop.example", "OctoAdmin!2026")

	seen := map[string]bool{}
	total, parts := 0, 0
	for next := "/api/admin/audit-logs?actor=user:7"; ; {
		a := st.Do(t, http.MethodGet, next, admin, nil, "Accept", "text/csv")
		if a.Status != http.StatusOK {
			t.Fatalf("%s: %d %.300s", next, a.Status, a.Body)
		}
		if len(a.Body) > serve.MaxResponse {
			t.Fatalf("part %d is %d bytes, over the runtime's %d", parts, len(a.Body), serve.MaxResponse)
		}
		recs, err := csv.NewReader(bytes.NewReader([]byte(a.Body))).ReadAll()
		if err != nil || len(recs) < 1 {
			t.Fatalf("part %d: %v", parts, err)
		}
		data := recs[1:]
		limit, err := strconv.Atoi(a.Header.Get("X-Export-Limit"))
		if err != nil {
			t.Fatalf("part %d: X-Export-Limit %q", parts, a.Header.Get("X-Export-Limit"))
		}
		parts++
		for _, r := range data {
			if seen[r[0]] {
				t.Fatalf("row %s twice", r[0])
			}
			seen[r[0]] = true
		}
		total += len(data)
		if len(data) < limit {
			break
		}
		if len(data) == 0 || parts > 10 {
			t.Fatalf("part %d: %d rows, X-Export-Limit %d", parts, len(data), limit)
		}
		next = fmt.Sprintf("/api/admin/audit-logs?actor=user:7&before_id=%s", data[len(data)-1][0])
	}
	if total != n || parts < 2 {
		t.Fatalf("%d rows in %d parts, want all %d in more than one", total, parts, n)
	}
}
