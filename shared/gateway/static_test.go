package gateway

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStaticFiles checks the web clients served beside the API: index files, content types, cache
// headers, no directory listing, no way out of the web directory, and /api/ still routed.
func TestStaticFiles(t *testing.T) {
	env := newTestEnv(t, map[string]string{"hello": helloYAML})
	web := t.TempDir()
	files := map[string]string{
		"index.html":              "<!doctype html><title>home</title>",
		"store/index.html":        "<!doctype html><title>store</title>",
		"store/app.js":            "export const x = 1;",
		"store/style.css":         "body{}",
		"vendor/lib-1.0.0/lib.js": "var lib;",
		"empty/.keep":             "",
		"store/data.json":         "{}",
		"link.html":               "<!doctype html><title>link</title>",
		"link-deep.html":          "<!doctype html><title>deep link</title>",
	}
	for name, data := range files {
		p := filepath.Join(web, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(filepath.Dir(web), "secret.txt")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(web, "store", "link.txt")); err != nil {
		t.Fatal(err)
	}
	env.cfg.WebDir = web
	_, base := env.start(t)

	for _, tt := range []struct {
		path, wantType, wantCache, wantBody string
	}{
		{"/", "text/html; charset=utf-8", "no-cache", "<title>home</title>"},
		{"/store/", "text/html; charset=utf-8", "no-cache", "<title>store</title>"},
		{"/store/app.js", "text/javascript; charset=utf-8", "no-cache", "export const x"},
		{"/store/style.css", "text/css; charset=utf-8", "no-cache", "body{}"},
		{"/store/data.json", "application/json", "no-cache", "{}"},
		{"/account/verify?token=abc", "text/html; charset=utf-8", "no-cache", "<title>link</title>"},
		{"/account/reset-password?token=abc", "text/html; charset=utf-8", "no-cache", "<title>link</title>"},
		{"/account/orders/12", "text/html; charset=utf-8", "no-cache", "<title>deep link</title>"},
		{"/account/tickets/3", "text/html; charset=utf-8", "no-cache", "<title>deep link</title>"},
		{"/orders/12?token=abc", "text/html; charset=utf-8", "no-cache", "<title>link</title>"},
		{"/vendor/lib-1.0.0/lib.js", "text/javascript; charset=utf-8", "public, max-age=86400", "var lib;"},
	} {
		resp, body := do(t, "GET", base+tt.path, nil, "")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tt.wantType ||
			resp.Header.Get("Cache-Control") != tt.wantCache || !strings.Contains(string(body), tt.wantBody) {
			t.Errorf("GET %s = %d %q %q %q", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Cache-Control"), body)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("GET %s: security headers %v", tt.path, resp.Header)
		}
	}
	// A directory opens its index; "/store" redirects to "/store/" (relative module paths need it).
	resp, _ := do(t, "GET", base+"/store/index.html", nil, "")
	if resp.Request.URL.Path != "/store/" {
		t.Errorf("GET /store/index.html ended at %s", resp.Request.URL.Path)
	}

	// Not found, never listed, never outside the directory: the gateway's JSON 404.
	for _, p := range []string{"/missing.html", "/empty/", "/orders/x", "/account/other", "/store/link.txt", "/../secret.txt", "/store/%2e%2e/%2e%2e/secret.txt"} {
		status, ctype, body := rawGet(t, base, p)
		if status != http.StatusNotFound || ctype != "application/json" || strings.Contains(body, "secret\n") || strings.HasSuffix(body, "secret") {
			t.Errorf("GET %s = %d %q %q, want the JSON 404", p, status, ctype, body)
		}
	}

	// /api/ is still the API: an unknown route is the JSON 404, a declared one reaches its function.
	resp, body := do(t, "GET", base+"/api/nothing", nil, "")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"not_found"`) {
		t.Errorf("GET /api/nothing = %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, "POST", base+"/store/app.js", nil, "")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /store/app.js = %d %s, want 404", resp.StatusCode, body)
	}
	var e map[string]any
	resp, body = do(t, "GET", base+"/api/echo", nil, "")
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &e) != nil {
		t.Errorf("GET /api/echo = %d %s", resp.StatusCode, body)
	}
}

// rawGet sends the path byte for byte (Go's client would clean "/../"), returning status,
// media type (without parameters) and body.
func rawGet(t *testing.T, base, path string) (int, string, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	ctype, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";")
	return resp.StatusCode, ctype, sb.String()
}
