package gateway

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// WebDirEnv names the directory of the web clients (storefront and staff console) the gateway serves
// beside the API; default <Root>/web. A missing directory serves nothing.
const WebDirEnv = "OCTO_WEB_DIR"

// staticCSP is the web clients' policy: their own scripts, styles and API only (the pages carry the
// same policy in a meta tag, so Object Storage on OCI, which sets no such header, applies it too).
const staticCSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// staticFiles serves the web clients from a directory opened as an os.Root: paths are cleaned by
// net/http and may not leave the directory (not through "..", nor a symlink), directories are never
// listed, and content types come from the file extension (mime's table, .js as text/javascript).
type staticFiles struct {
	root *os.Root
	fsys fs.FS
	next http.Handler
}

// newStaticFiles opens dir; a dir that does not exist yields nil (no static files), another error
// is returned.
func newStaticFiles(dir string) (*staticFiles, error) {
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fsys := root.FS()
	return &staticFiles{root: root, fsys: fsys, next: http.FileServerFS(fsys)}, nil
}

// close releases the directory.
func (s *staticFiles) close() { _ = s.root.Close() }

// mailLink matches the paths of the links in mails (account verification, password reset, an
// order's page with its token, an account's order or ticket), which link.html turns into the
// storefront's views.
var mailLink = regexp.MustCompile(`^(account/(verify|reset-password|orders/[0-9]+|tickets/[0-9]+)|orders/[0-9]+)$`)

// isStatic reports whether the request is one for the web clients: a GET or HEAD outside /api/.
func isStatic(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.Contains(r.URL.Path, "/api/")
}

// serve answers a file, a directory's index.html, or the gateway's JSON 404. HTML is revalidated on
// every load (Cache-Control: no-cache, with Last-Modified); files under /vendor/, whose names carry
// their version, are cached for a day; everything else is revalidated too.
func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request) int {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	file := name
	if mailLink.MatchString(name) {
		// The links the functions mail (notify.Config.Link) open the storefront through link.html.
		file = "link.html"
		if strings.Count(name, "/") == 2 {
			file = "link-deep.html" // its script's relative path is one level deeper
		}
		if _, err := fs.Stat(s.fsys, file); err != nil {
			return fail(w, r, apperr.NotFound, "no route for "+r.Method+" "+r.URL.Path)
		}
		r = r.Clone(r.Context())
		r.URL.Path = "/" + file
	} else if fi, err := fs.Stat(s.fsys, name); err != nil {
		return fail(w, r, apperr.NotFound, "no route for "+r.Method+" "+r.URL.Path)
	} else if fi.IsDir() {
		file = path.Join(name, "index.html")
		if _, err := fs.Stat(s.fsys, file); err != nil {
			return fail(w, r, apperr.NotFound, "no route for "+r.Method+" "+r.URL.Path)
		}
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", staticCSP)
	switch {
	case strings.HasPrefix(name, "vendor/"):
		h.Set("Cache-Control", "public, max-age=86400")
	default:
		h.Set("Cache-Control", "no-cache")
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.next.ServeHTTP(rec, r)
	return rec.status
}

// statusRecorder keeps the status the file server wrote, for the request's log line.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
