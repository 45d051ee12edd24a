// Package apperr defines the small set of error kinds every function uses and maps each kind to its
// HTTP status in one place.
//
// An *Error carries what a client may see (a kind, an optional machine code and a safe message) apart
// from what only logs and spans may see (the operation and the wrapped cause). Handlers return errors;
// package web turns them into responses, so no handler writes a status code for an error by itself.
package apperr

import (
	"errors"
	"net/http"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind uint8

// The kinds. Internal is the zero value so an unclassified error is never reported as the client's fault.
const (
	Internal             Kind = iota // a defect or an unexpected failure: 500, never with detail
	Invalid                          // the request is malformed or breaks a rule: 400
	Unprocessable                    // well-formed but cannot be done as asked (empty cart, bad coupon): 422
	Unauthorized                     // no or bad credentials: 401
	Forbidden                        // credentials fine, not allowed: 403
	NotFound                         // absent, or not the caller's to see: 404
	MethodNotAllowed                 // 405
	Conflict                         // the state forbids it (duplicate, out of stock, replay mismatch): 409
	PayloadTooLarge                  // 413
	UnsupportedMedia                 // 415
	RateLimited                      // 429
	Unavailable                      // a dependency is down: 503
	PreconditionFailed               // the If-Match names a version that is no longer current: 412
	PreconditionRequired             // a write of a record that needs If-Match came without one: 428
	NotImplemented                   // the deployment cannot do it at all (Select AI on the embedded database): 501
)

var kinds = [...]struct {
	code   string
	status int
	msg    string
}{
	Internal:         {"internal", http.StatusInternalServerError, "internal error"},
	Invalid:          {"invalid_request", http.StatusBadRequest, "invalid request"},
	Unprocessable:    {"unprocessable", http.StatusUnprocessableEntity, "request cannot be processed"},
	Unauthorized:     {"unauthorized", http.StatusUnauthorized, "authentication required"},
	Forbidden:        {"forbidden", http.StatusForbidden, "not allowed"},
	NotFound:         {"not_found", http.StatusNotFound, "not found"},
	MethodNotAllowed: {"method_not_allowed", http.StatusMethodNotAllowed, "method not allowed"},
	Conflict:         {"conflict", http.StatusConflict, "conflict"},
	PayloadTooLarge:  {"payload_too_large", http.StatusRequestEntityTooLarge, "request body too large"},
	UnsupportedMedia: {"unsupported_media_type", http.StatusUnsupportedMediaType, "unsupported media type"},
	RateLimited:      {"rate_limited", http.StatusTooManyRequests, "too many requests"},
	Unavailable:      {"unavailable", http.StatusServiceUnavailable, "service temporarily unavailable"},
	PreconditionFailed: {"precondition_failed", http.StatusPreconditionFailed,
		"the record changed since you read it; read it again"},
	PreconditionRequired: {"precondition_required", http.StatusPreconditionRequired,
		"send If-Match with the ETag of the record you read"},
	NotImplemented: {"not_implemented", http.StatusNotImplemented, "not implemented here"},
}

// String returns the kind's default machine code, e.g. "not_found".
func (k Kind) String() string {
	if int(k) < len(kinds) {
		return kinds[k].code
	}
	return kinds[Internal].code
}

// Status returns the HTTP status of the kind.
func (k Kind) Status() int {
	if int(k) < len(kinds) {
		return kinds[k].status
	}
	return http.StatusInternalServerError
}

func (k Kind) message() string {
	if int(k) < len(kinds) {
		return kinds[k].msg
	}
	return kinds[Internal].msg
}

// Error is an error with a kind. Op and Err are for logs and spans only; Code, Message and Details
// are shown to clients.
type Error struct {
	Op      string         // operation that failed, e.g. "checkout.PlaceOrder"
	Kind    Kind           // classification, decides the HTTP status
	Code    string         // optional machine code overriding the kind's, e.g. "out_of_stock"
	Message string         // safe, human-readable message for the client
	Details map[string]any // optional safe structured detail for the client, e.g. the products short of stock
	Err     error          // the underlying cause, never shown to clients
}

// E builds an *Error for the client-visible kind and message.
func E(op string, kind Kind, message string) *Error {
	return &Error{Op: op, Kind: kind, Message: message}
}

// Wrap classifies cause under op, in Upspin's shape: kind is a fallback, so Wrap(op, Internal, cause)
// takes the kind of an *Error cause, and any other kind overrides it. Nothing of the cause is copied:
// PublicOf finds the client-visible code, message and details down the chain, and Error prints each
// message once.
func Wrap(op string, kind Kind, cause error) *Error {
	var inner *Error
	if kind == Internal && errors.As(cause, &inner) {
		kind = inner.Kind
	}
	return &Error{Op: op, Kind: kind, Err: cause}
}

// WithCode sets the client-visible machine code and returns e.
func (e *Error) WithCode(code string) *Error { e.Code = code; return e }

// WithDetails sets client-visible structured detail and returns e.
func (e *Error) WithDetails(d map[string]any) *Error { e.Details = d; return e }

// Error renders the full chain for logs: "op: message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Message != "" {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	if b.Len() == 0 {
		return e.Kind.String()
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the outermost *Error in err's chain, Internal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Public is what a client may see of an error.
type Public struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

// PublicOf returns the client-visible part of err. The outermost *Error decides the kind; its code,
// message and details are the first set down the chain by an *Error of that same kind (a cause of
// another kind speaks for another status, so it is not shown). Internal errors always read "internal
// error", whatever their cause says.
func PublicOf(err error) Public {
	var e *Error
	if !errors.As(err, &e) || e.Kind == Internal {
		k := kinds[Internal]
		return Public{Status: k.status, Code: k.code, Message: k.msg}
	}
	p := Public{Status: e.Kind.Status()}
	for cur := e; cur != nil; cur = innerOf(cur) {
		if cur.Kind != e.Kind {
			break
		}
		if p.Code == "" {
			p.Code = cur.Code
		}
		if p.Message == "" {
			p.Message = cur.Message
		}
		if p.Details == nil {
			p.Details = cur.Details
		}
	}
	if p.Code == "" {
		p.Code = e.Kind.String()
	}
	if p.Message == "" {
		p.Message = e.Kind.message()
	}
	return p
}

// innerOf returns the next *Error down e's chain, nil when there is none.
func innerOf(e *Error) *Error {
	var inner *Error
	if e.Err != nil && errors.As(e.Err, &inner) {
		return inner
	}
	return nil
}
