package security

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// setHeaders sets the headers every response carries. The API answers JSON only, so nothing of it
// may be sniffed as another type, framed, or given a referrer; authenticated answers are never
// cached (errors neither: see errorNoStore).
func setHeaders(h http.Header, authenticated bool) {
	web.SecurityHeaders(h)
	if authenticated {
		h.Set("Cache-Control", "no-store")
	}
}

// errorNoStore marks every error response (status >= 400) Cache-Control: no-store.
type errorNoStore struct {
	http.ResponseWriter
	wrote bool
}

func (w *errorNoStore) WriteHeader(code int) {
	if !w.wrote && code >= 400 {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *errorNoStore) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *errorNoStore) Unwrap() http.ResponseWriter { return w.ResponseWriter }
