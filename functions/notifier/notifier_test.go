package notifier_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/functions/notifier"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/serve"
)

func TestScheduledInvocationDrainsTheOutboxIntoMailFiles(t *testing.T) {
	tdb := dbtest.Open(t, dbtest.Options{})
	dir := t.TempDir()
	env := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": filepath.Join(dir, "octo.db")}
	h, err := notifier.Build(tdb.DB, func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := notify.ConfigFromEnv(func(k string) string { return env[k] })
	outbox := cfg.Outbox(nil)
	for range 3 {
		if _, err := outbox.Enqueue(t.Context(), tdb.DB, notify.Notification{Template: notify.PasswordReset, To: "pat@example.com",
			Data: map[string]string{"link": cfg.Link("/account/reset-password", "tok")}}); err != nil {
			t.Fatal(err)
		}
	}
	invoke := func() notify.Result {
		r := httptest.NewRequest(http.MethodPost, serve.InvokePath, strings.NewReader(`{"drain":"outbox"}`))
		r.Header.Set(serve.InvocationHeader, serve.InvocationScheduled)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var res notify.Result
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		return res
	}
	if res := invoke(); res.Sent != 3 {
		t.Fatalf("first run %+v", res)
	}
	if res := invoke(); res.Sent != 0 {
		t.Fatalf("second run sent again: %+v", res)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "mail", "*.eml"))
	if len(files) != 3 {
		t.Fatalf("mail files %v, want 3 under $OCTO_DATA_DIR/mail", files)
	}
	raw, _ := os.ReadFile(files[0])
	if !strings.Contains(string(raw), "http://localhost:8080/account/reset-password?token=tok") {
		t.Fatalf("message:\n%s", raw)
	}
}
