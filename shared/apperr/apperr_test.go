package apperr

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestEveryKindHasItsStatusAndCode(t *testing.T) {
	tests := []struct {
		kind   Kind
		status int
		code   string
	}{
		{Internal, http.StatusInternalServerError, "internal"},
		{Invalid, http.StatusBadRequest, "invalid_request"},
		{Unprocessable, http.StatusUnprocessableEntity, "unprocessable"},
		{Unauthorized, http.StatusUnauthorized, "unauthorized"},
		{Forbidden, http.StatusForbidden, "forbidden"},
		{NotFound, http.StatusNotFound, "not_found"},
		{MethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed"},
		{Conflict, http.StatusConflict, "conflict"},
		{PayloadTooLarge, http.StatusRequestEntityTooLarge, "payload_too_large"},
		{UnsupportedMedia, http.StatusUnsupportedMediaType, "unsupported_media_type"},
		{RateLimited, http.StatusTooManyRequests, "rate_limited"},
		{Unavailable, http.StatusServiceUnavailable, "unavailable"},
		{PreconditionFailed, http.StatusPreconditionFailed, "precondition_failed"},
		{PreconditionRequired, http.StatusPreconditionRequired, "precondition_required"},
		{NotImplemented, http.StatusNotImplemented, "not_implemented"},
		{Kind(200), http.StatusInternalServerError, "internal"},
	}
	if len(tests)-1 != len(kinds) {
		t.Fatalf("table covers %d kinds, apperr has %d", len(tests)-1, len(kinds))
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := tt.kind.Status(); got != tt.status {
				t.Errorf("Status() = %d, want %d", got, tt.status)
			}
			if got := tt.kind.String(); got != tt.code {
				t.Errorf("String() = %q, want %q", got, tt.code)
			}
			p := PublicOf(E("op", tt.kind, ""))
			if p.Status != tt.status || p.Code != tt.code || p.Message == "" {
				t.Errorf("PublicOf = %+v, want status %d code %q and the kind's message", p, tt.status, tt.code)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	inner := E("commerce.LookupCoupon", Unprocessable, "coupon X does not exist").WithCode("coupon_invalid")
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
		logLine string
	}{
		{"an Internal wrap takes the cause's kind, code and message", Wrap("checkout.Place", Internal, inner),
			422, "coupon_invalid", "coupon X does not exist",
			"checkout.Place: commerce.LookupCoupon: coupon X does not exist"},
		{"a wrap of a wrap still reaches the code", Wrap("handler", Internal, Wrap("checkout.Place", Internal, inner)),
			422, "coupon_invalid", "coupon X does not exist",
			"handler: checkout.Place: commerce.LookupCoupon: coupon X does not exist"},
		{"an explicit kind overrides the cause's and hides its message", Wrap("boot.dbScope", Unavailable, inner),
			503, "unavailable", "service temporarily unavailable",
			"boot.dbScope: commerce.LookupCoupon: coupon X does not exist"},
		{"a plain cause stays internal and hidden", Wrap("db.Query", Internal, errors.New("ORA-03113: end-of-file on channel")),
			500, "internal", "internal error", "db.Query: ORA-03113: end-of-file on channel"},
		{"an internal cause under a client kind shows only the kind", Wrap("web.Decode", Invalid, errors.New("secret detail")),
			400, "invalid_request", "invalid request", "web.Decode: secret detail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := PublicOf(tt.err)
			if p.Status != tt.status || p.Code != tt.code || p.Message != tt.message {
				t.Errorf("PublicOf = %+v, want %d %q %q", p, tt.status, tt.code, tt.message)
			}
			if got := tt.err.Error(); got != tt.logLine {
				t.Errorf("Error() = %q, want %q", got, tt.logLine)
			}
			if strings.Count(tt.err.Error(), "does not exist") > 1 {
				t.Errorf("message repeated in %q", tt.err.Error())
			}
			if !errors.Is(tt.err, errors.Unwrap(tt.err)) {
				t.Error("Unwrap does not reach the cause")
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	if got := KindOf(Wrap("op", Internal, E("inner", NotFound, "gone"))); got != NotFound {
		t.Errorf("KindOf = %v, want not_found", got)
	}
	if got := KindOf(errors.New("plain")); got != Internal {
		t.Errorf("KindOf(plain) = %v, want internal", got)
	}
}
