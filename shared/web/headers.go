package web

import "net/http"

// SecurityHeaders sets the headers every answer carries, a function's or the local gateway's own:
// the API answers JSON only, so nothing of it may be sniffed as another type, framed, or given a
// referrer, and it is reached over HTTPS only.
func SecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Strict-Transport-Security", "max-age=31536000")
}

// NoStore marks the answer Cache-Control: no-store. Every answer that carries a credential calls it
// (a new cart's id, checkout's order_token, tokens), as does every error (package security) and every
// authenticated answer: no browser or shared cache may keep them.
func NoStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }
