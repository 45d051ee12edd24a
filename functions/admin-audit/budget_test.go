package adminaudit

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/serve"
)

// csvAnswer asks an admin's CSV export of target, under budget when it is not nil (as on OCI
// Functions or Lambda).
func (f fixture) csvAnswer(t *testing.T, target string, budget *serve.ResponseBudget) *httptest.ResponseRecorder {
	t.Helper()
	ctx := context.Background()
	if budget != nil {
		ctx = serve.WithResponseBudget(ctx, *budget)
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	for k, v := range f.DB.As(t, seed.AdminUser) {
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", "text/csv")
	rec := httptest.NewRecorder()
	f.H.ServeHTTP(rec, req)
	return rec
}

// export is csvAnswer for an export that must succeed, with its data rows.
func (f fixture) export(t *testing.T, target string, budget *serve.ResponseBudget) (*httptest.ResponseRecorder, [][]string) {
	t.Helper()
	rec := f.csvAnswer(t, target, budget)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	rows, err := csv.NewReader(bytes.NewReader(rec.Body.Bytes())).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v (%d rows)", target, err, len(rows))
	}
	return rec, rows[1:]
}

// On a runtime that refuses an answer over its limit, an export stops before the row that would
// exceed the budget and says how many rows it holds in X-Export-Limit; continuing with before_id
// until an export holds fewer rows than its X-Export-Limit gives exactly the rows one streamed
// export gives, in the same order.
func TestAnExportStopsWithinTheRuntimesResponseBudget(t *testing.T) {
	f := newFixture(t)
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	addAuditRows(t, f, 1200, base)
	target := "/api/admin/audit-logs?actor=user:2&from=" + url.QueryEscape(base.Format(time.RFC3339))
	_, streamed := f.export(t, target, nil)
	if len(streamed) != 600 {
		t.Fatalf("streamed export: %d rows, want 600", len(streamed))
	}

	// Each byte costs two, as a body of quotes would on Lambda: the budget holds well under 600 rows.
	budget := serve.ResponseBudget{Limit: 24_000, Cost: func(p []byte) int { return 2 * len(p) }}
	var got [][]string
	for page, next := 0, target; ; page++ {
		rec, rows := f.export(t, next, &budget)
		if cost := budget.Cost(rec.Body.Bytes()); cost > budget.Limit {
			t.Fatalf("page %d costs %d, over the budget of %d", page, cost, budget.Limit)
		}
		limit, err := strconv.Atoi(rec.Header().Get("X-Export-Limit"))
		if err != nil {
			t.Fatalf("page %d: X-Export-Limit %q", page, rec.Header().Get("X-Export-Limit"))
		}
		got = append(got, rows...)
		if len(rows) < limit {
			if limit != ExportRows {
				t.Fatalf("last page: X-Export-Limit %d, want the export bound %d", limit, ExportRows)
			}
			break
		}
		if len(rows) != limit || len(rows) == 0 || page > 100 {
			t.Fatalf("page %d: %d rows, X-Export-Limit %d", page, len(rows), limit)
		}
		next = target + "&before_id=" + rows[len(rows)-1][0]
	}
	if len(got) != len(streamed) {
		t.Fatalf("the pages hold %d rows, the streamed export %d", len(got), len(streamed))
	}
	for i := range got {
		if got[i][0] != streamed[i][0] {
			t.Fatalf("row %d: id %s, the streamed export's %s", i, got[i][0], streamed[i][0])
		}
	}
	if len(got) == 0 || got[0][0] == "" {
		t.Fatal("no rows")
	}
}

// An export within the budget is whole and says the usual bound.
func TestAnExportWithinTheBudgetIsWhole(t *testing.T) {
	f := newFixture(t)
	addAuditRows(t, f, 50, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	budget := serve.ResponseBudget{Limit: 1 << 20, Cost: func(p []byte) int { return len(p) }}
	rec, rows := f.export(t, "/api/admin/audit-logs?actor=user:2", &budget)
	_, streamed := f.export(t, "/api/admin/audit-logs?actor=user:2", nil)
	if len(rows) != len(streamed) || rec.Header().Get("X-Export-Limit") != strconv.Itoa(ExportRows) {
		t.Fatalf("%d rows (streamed %d), X-Export-Limit %s", len(rows), len(streamed), rec.Header().Get("X-Export-Limit"))
	}
}

// A budget that holds the header but not even one row is an error answer, never an empty export that says
// "continue" forever.
func TestABudgetNoRowFitsIsAnError(t *testing.T) {
	f := newFixture(t)
	addAuditRows(t, f, 3, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	rec := f.csvAnswer(t, "/api/admin/audit-logs?actor=user:2", &serve.ResponseBudget{Limit: 120, Cost: func(p []byte) int { return len(p) }})
	if rec.Code != http.StatusInternalServerError || !bytes.Contains(rec.Body.Bytes(), []byte(`"code":"internal"`)) {
		t.Fatalf("%d %s, want a 500 JSON error", rec.Code, rec.Body)
	}
}
