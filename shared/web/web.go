// Package web holds the HTTP conventions every function follows: JSON in and out, one error body
// shape, strict decoding with a body limit, request ids, and a router built from the function's own
// declaration (package manifest) so the routes a function serves cannot drift from the routes the
// gateway and Terraform expose.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/shape"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

type ctxKey int

const requestIDKey ctxKey = iota

// Headers the API gateway (OCI API Gateway with the authorizer, or the local gateway) sets for
// functions. Client-sent copies never reach a function.
const (
	// PrincipalHeader carries the authenticated principal on protected routes.
	PrincipalHeader = "X-Octo-Principal"
	// ScopesHeader carries the principal's scopes, space-separated, on protected routes.
	ScopesHeader = "X-Octo-Scopes"
	// RealIPHeader carries the connecting client's address.
	RealIPHeader = "X-Real-IP"
	// ForwardedForHeader lists proxies' clients; the gateway appends the connecting address.
	ForwardedForHeader = "X-Forwarded-For"
)

// RequestID returns the request id stored by WithRequestID, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// WithRequestID accepts a well-formed incoming X-Request-Id (8..128 of [A-Za-z0-9._:-]) or generates
// a new one, stores it in the request context and echoes it on the response.
func WithRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !shape.Token(id, 8, 128) {
			id = NewID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// NewID returns 128 random bits as 32 hex characters.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	return hex.EncodeToString(b[:])
}

// JSON writes v as the JSON response body with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the status is already written; a failed write means the client went away
}

// ErrorBody is the one error shape every function answers with.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the content of ErrorBody.
type ErrorDetail struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	RequestID string         `json:"request_id,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

// Error answers err in the standard shape, with Retry-After (1 s unless already set) on 429 and 503.
// Only the client-visible part of err is written; 5xx
// errors are logged with their full chain (operation and cause) under the request id.
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := apperr.PublicOf(err)
	if p.Status >= 500 && log != nil {
		log.ErrorContext(r.Context(), "request failed", "error", err.Error(), "request_id", RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path)
	}
	if (p.Status == http.StatusTooManyRequests || p.Status == http.StatusServiceUnavailable) && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "1")
	}
	JSON(w, p.Status, ErrorBody{Error: ErrorDetail{Code: p.Code, Message: p.Message, RequestID: RequestID(r.Context()), Details: p.Details}})
}
