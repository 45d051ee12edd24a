package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// Decode reads the request body as one JSON value into v. It answers (as an *apperr.Error):
// unsupported_media_type when the Content-Type is neither application/json nor one the route accepts,
// payload_too_large past the route's body limit (set by the router), and invalid_request for malformed
// JSON (invalid UTF-8 and lone surrogate escapes included), duplicate or unknown fields (field names
// are case-sensitive), wrongly typed values and trailing data after the value (see DecodeBytes). The
// errors about the body itself wrap ErrBodyTooLarge, ErrMalformed, ErrDuplicateField,
// ErrUnknownField or ErrWrongType.
//
// When the request's context carries an Inspector (WithInspector), the body is shown to it before it
// is decoded, and every error about the body afterwards.
func Decode(r *http.Request, v any) error {
	const op = "web.Decode"
	if err := checkMediaType(r); err != nil {
		return err
	}
	in, _ := r.Context().Value(inspectorKey{}).(Inspector)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			return apperr.Wrap(op, apperr.Invalid, err)
		}
		tooLarge := &apperr.Error{Op: op, Kind: apperr.PayloadTooLarge, Err: ErrBodyTooLarge,
			Message: fmt.Sprintf("request body exceeds %d bytes", mbe.Limit)}
		if in != nil {
			in.Rejected(r, tooLarge)
		}
		return tooLarge
	}
	if in != nil {
		if err := in.InspectBody(r, body); err != nil {
			return err
		}
	}
	err = DecodeBytes(body, v)
	if err != nil && in != nil && !errors.Is(err, errEmpty) {
		in.Rejected(r, err)
	}
	return err
}

// Errors wrapped by Decode's and DecodeBytes' answers, telling why a body was refused.
var (
	ErrBodyTooLarge = errors.New("web: request body too large")
	ErrMalformed    = errors.New("web: malformed JSON body")
	ErrUnknownField = errors.New("web: unknown field in JSON body")
	ErrWrongType    = errors.New("web: wrongly typed value in JSON body")
	// ErrDuplicateField: an object names the same field twice.
	ErrDuplicateField = errors.New("web: duplicate field in JSON body")

	errEmpty = errors.New("web: empty request body")
)

// Inspector examines the request bodies Decode reads. Package security installs one per request to
// find attacks in JSON bodies and to record refused ones; this package knows nothing of attacks. It
// is an interface here, the consumer, so web does not depend on security.
type Inspector interface {
	// InspectBody sees the raw body, read within the route's limit, before it is decoded. A non-nil
	// error is what Decode returns instead of decoding.
	InspectBody(r *http.Request, body []byte) error
	// Rejected sees every error Decode returns about the body itself (too large, malformed, unknown
	// field, wrongly typed, trailing data); errors.Is tells them apart.
	Rejected(r *http.Request, err error)
}

type inspectorKey struct{}

// WithInspector returns ctx with in installed for Decode.
func WithInspector(ctx context.Context, in Inspector) context.Context {
	return context.WithValue(ctx, inspectorKey{}, in)
}

// DecodeBytes decodes body strictly into v, with the same errors as Decode. Strict means: the body
// is one JSON value of valid UTF-8; object member names match the Go fields' JSON names exactly (a
// case variant such as "Product_ID" is an unknown field, never an alias); a name may appear only once
// per object (two "coupon_code"s are refused rather than the last one silently winning); a \u escape
// of a lone UTF-16 surrogate is refused rather than replaced by U+FFFD; unknown fields, wrongly typed
// values and trailing data are refused. The decoder is encoding/json/v2's (go-json-experiment/json),
// whose defaults are exactly these rules.
func DecodeBytes(body []byte, v any) error {
	const op = "web.Decode"
	if len(bytes.TrimSpace(body)) == 0 {
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Message: "request body is empty", Err: errEmpty}
	}
	if !utf8.Valid(body) {
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Message: "request body is not valid UTF-8", Err: ErrMalformed}
	}
	if err := json.Unmarshal(body, v, json.RejectUnknownMembers(true)); err != nil {
		msg, cause := describeJSONError(err)
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Code: "invalid_request", Message: msg, Err: errors.Join(cause, err)}
	}
	return nil
}

// describeJSONError turns a decoding error into a message safe and useful for clients (it names the
// field and the expected type, never Go type names) and the sentinel saying what was wrong.
func describeJSONError(err error) (string, error) {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		switch {
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			return fmt.Sprintf("field %q appears more than once", fieldName(syn.JSONPointer)), ErrDuplicateField
		case strings.Contains(syn.Error(), "surrogate"): // the library's own sentinel is unexported
			return fmt.Sprintf(`malformed JSON at byte %d: a \u escape names a lone UTF-16 surrogate`, syn.ByteOffset), ErrMalformed
		case errors.Is(syn.Err, io.ErrUnexpectedEOF):
			return "malformed JSON: unexpected end of input", ErrMalformed
		case strings.Contains(syn.Error(), "after top-level value"):
			return "request body has data after the JSON value", ErrMalformed
		}
		return fmt.Sprintf("malformed JSON at byte %d", syn.ByteOffset), ErrMalformed
	case errors.As(err, &sem):
		field := fieldName(sem.JSONPointer)
		switch {
		case errors.Is(sem.Err, json.ErrUnknownName):
			return fmt.Sprintf("unknown field %q", fieldName(sem.JSONPointer)), ErrUnknownField
		case errors.Is(sem.Err, money.ErrTooManyDecimals):
			return fmt.Sprintf(`field %q is an amount: at most two decimals, such as "79.00"`, field), ErrWrongType
		case errors.Is(sem.Err, money.ErrNotAmount):
			return fmt.Sprintf(`field %q must be an amount such as "79.00"`, field), ErrWrongType
		case field == "":
			return "request body must be a JSON object", ErrWrongType
		case sem.GoType != nil:
			return fmt.Sprintf("field %q must be %s", field, jsonKind(sem.GoType)), ErrWrongType
		}
		return fmt.Sprintf("field %q has a value of the wrong type", field), ErrWrongType
	}
	return "malformed JSON", ErrMalformed
}

// fieldName renders a JSON pointer ("/customer/name") as the dotted field name clients see
// ("customer.name").
func fieldName(p jsontext.Pointer) string {
	return strings.Join(slices.Collect(p.Tokens()), ".")
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	default:
		return "an integer"
	}
}

type acceptKey struct{}

func checkMediaType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return apperr.E("web.Decode", apperr.UnsupportedMedia, "Content-Type must be application/json")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return nil
	}
	if accepted, _ := r.Context().Value(acceptKey{}).([]string); err == nil && slices.Contains(accepted, mt) {
		return nil
	}
	return apperr.E("web.Decode", apperr.UnsupportedMedia, "Content-Type must be application/json")
}
