package boot

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// A handler that runs one statement, so a request needs the database.
func probe(e *Env) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if err := e.DB.QueryRowContext(r.Context(), "SELECT 1 FROM dual").Scan(&n); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// The first connection is made in the background; a request waits for it and then runs on it.
func TestRequestWaitsForTheFirstConnection(t *testing.T) {
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": filepath.Join(t.TempDir(), "octo.db")}
	e, err := Open(t.Context(), "probe", env(vars), Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	rec := httptest.NewRecorder()
	e.Handler(probe(e)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if err := e.WaitDB(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// A database whose first connection fails answers 503 unavailable without detail, and Serve stops
// with the cause, as a synchronous check at cold start would have.
func TestFailedFirstConnectionStopsTheFunction(t *testing.T) {
	dir := t.TempDir() // a directory is no database file
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": dir, "PORT": "0", "OCTO_HTTP_HOST": "127.0.0.1"}
	e, err := Open(t.Context(), "probe", env(vars), Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatalf("Open must not wait for the first connection: %v", err)
	}
	rec := httptest.NewRecorder()
	e.Handler(probe(e)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusServiceUnavailable || body.Error.Code != "unavailable" {
		t.Fatalf("status %d body %s (%v), want 503 unavailable", rec.Code, rec.Body, err)
	}
	if strings.Contains(rec.Body.String(), dir) {
		t.Fatalf("the answer leaks the cause: %s", rec.Body)
	}
	done := make(chan error, 1)
	go func() { done <- e.Serve(context.Background(), probe(e)) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "boot: database") {
			t.Fatalf("Serve returned %v, want the database error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve kept serving with a failed database")
	}
}

// On Oracle the pool is configured at Open (wallet, alias, password) and its first session is made
// in the background like SQLite's: without Instant Client, Open succeeds, a request gets 503 without
// detail, and the cause Serve stops with names DPI-1047 and what to install.
func TestOracleWithoutInstantClientFailsClearly(t *testing.T) {
	dirs := append(filepath.SplitList(os.Getenv("LD_LIBRARY_PATH")), "/usr/lib/oracle/*/client64/lib", "/opt/oracle/instantclient*", "/usr/lib/x86_64-linux-gnu")
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "libclntsh.so*")); len(m) > 0 {
			t.Skipf("Instant Client present (%s)", m[0])
		}
	}
	wallet := t.TempDir()
	tns := "octodb_tp = (description=(address=(protocol=tcps)(port=1522)(host=adb.invalid))(connect_data=(service_name=x_octodb_tp.adb.oraclecloud.com)))\n"
	if err := os.WriteFile(filepath.Join(wallet, "tnsnames.ora"), []byte(tns), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"OCTO_DB_DRIVER": "oracle", "OCTO_DB_DSN": "octodb_tp", "OCTO_DB_USER": "octo",
		"OCTO_DB_PASSWORD": "pw-not-in-errors", "OCTO_DB_WALLET_DIR": wallet, "PORT": "0", "OCTO_HTTP_HOST": "127.0.0.1"}
	e, err := Open(t.Context(), "probe", env(vars), Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatalf("Open must not wait for the first session: %v", err)
	}
	rec := httptest.NewRecorder()
	e.Handler(probe(e)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.Contains(rec.Body.String(), "DPI") {
		t.Fatalf("status %d body %s, want 503 without the cause", rec.Code, rec.Body)
	}
	err = e.Serve(context.Background(), probe(e))
	for _, want := range []string{"boot: database", "DPI-1047", "oracle-instantclient", "octodb_tp"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Serve returned %v, want it to name %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "pw-not-in-errors") {
		t.Errorf("the error leaks the password: %v", err)
	}
}

// Functions never answer CORS, whatever the environment says: the API deployment (OCI) or the local
// gateway owns it, and two Access-Control-Allow-Origin values make a browser refuse the response.
func TestFunctionsAddNoCORSHeaders(t *testing.T) {
	vars := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": filepath.Join(t.TempDir(), "octo.db"),
		"OCTO_CORS_ORIGINS": "https://shop.example.com"}
	e, err := Open(t.Context(), "probe", env(vars), Options{LogOutput: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close(context.Background()) })
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodGet, "/", nil),
		httptest.NewRequest(http.MethodOptions, "/", nil),
	} {
		r.Header.Set("Origin", "https://shop.example.com")
		r.Header.Set("Access-Control-Request-Method", "POST")
		rec := httptest.NewRecorder()
		e.Handler(probe(e)).ServeHTTP(rec, r)
		for k := range rec.Header() {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s answered %s: %v", r.Method, k, rec.Header())
			}
		}
	}
}
