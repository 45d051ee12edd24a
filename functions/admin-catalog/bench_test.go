package admincatalog

import (
	"net/http"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

// BenchmarkListPage reads a page of 100 records of each administered table (300 rows each), through
// the real handler on the embedded database; statements/op is always 1.
func BenchmarkListPage(b *testing.B) {
	f := newFixture(b)
	h, headers := f.H, f.DB.As(b, seed.AdminUser)
	for _, p := range paths {
		for i := range 300 {
			if s := dbtest.Serve(h, "POST", p, valid(p, 1000+i), headers); s.Status != http.StatusCreated {
				b.Fatalf("%s: %d %s", p, s.Status, s.Body)
			}
		}
	}
	for _, p := range paths {
		b.Run(strings.TrimPrefix(p, "/api/admin/"), func(b *testing.B) {
			stmts := 0
			for b.Loop() {
				s := dbtest.Serve(h, "GET", p+"?limit=100", "", headers)
				if s.Status != http.StatusOK {
					b.Fatal(s.Status)
				}
				stmts = s.Statements
			}
			b.ReportMetric(float64(stmts), "statements/op")
		})
	}
}
