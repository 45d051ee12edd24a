package security_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/security"
)

// Every kind reported through the Guard lands in security_events with attack_type = the kind: the
// CHECK of migration 0015 accepts each of them, and none is folded into "other".
func TestEveryKindIsStoredAsItself(t *testing.T) {
	d := dbtest.Open(t, dbtest.Options{})
	g := security.New(security.Config{}, d.DB, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	h := g.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		security.Report(r.Context(), security.Kind(r.URL.Query().Get("kind")), security.Event{Payload: "probe"})
		w.WriteHeader(http.StatusNoContent)
	}))
	for i, k := range security.Kinds() {
		t.Run(string(k), func(t *testing.T) {
			if got := k.AttackType(); got != string(k) {
				t.Fatalf("AttackType() = %q, want %q", got, k)
			}
			ip := "203.0.113." + strconv.Itoa(i+1)
			req := httptest.NewRequest("GET", "/probe?kind="+string(k), nil)
			req.Header.Set(gateway.RealIPHeader, ip)
			h.ServeHTTP(httptest.NewRecorder(), req)
			var n int
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM security_events WHERE attack_type = :1`, string(k)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("%d security_events rows with attack_type %q, want 1", n, k)
			}
		})
	}
	var others int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM security_events WHERE attack_type = 'other'`).Scan(&others); err != nil {
		t.Fatal(err)
	}
	if others != 0 {
		t.Fatalf("%d events stored as other", others)
	}
}
