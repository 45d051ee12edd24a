package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Decode reads the request body as one JSON value into v. It answers (as an *apperr.Error):
// unsupported_media_type when the Content-Type is neither application/json nor one the route accepts,
// payload_too_large past the route's body limit (set by the router), and invalid_request for malformed
// JSON, unknown fields, wrongly typed values and trailing data after the value. The errors about the
// body itself wrap ErrBodyTooLarge, ErrMalformed, ErrUnknownField or ErrWrongType.
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

// DecodeBytes decodes body strictly into v, with the same errors as Decode.
func DecodeBytes(body []byte, v any) error {
	const op = "web.Decode"
	if len(bytes.TrimSpace(body)) == 0 {
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Message: "request body is empty", Err: errEmpty}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		msg, cause := describeJSONError(err)
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Code: "invalid_request", Message: msg, Err: cause}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &apperr.Error{Op: op, Kind: apperr.Invalid, Message: "request body has data after the JSON value", Err: ErrMalformed}
	}
	return nil
}

// describeJSONError turns a decoding error into a message safe and useful for clients (it names the
// field and the expected type, never Go type names) and the sentinel saying what was wrong.
func describeJSONError(err error) (string, error) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d", syn.Offset), ErrMalformed
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be %s", typ.Field, jsonKind(typ.Type.Kind().String())), ErrWrongType
		}
		return "request body must be a JSON object", ErrWrongType
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: unexpected end of input", ErrMalformed
	}
	if f, ok := unknownField(err); ok {
		return fmt.Sprintf("unknown field %s", f), ErrUnknownField
	}
	return "malformed JSON", ErrMalformed
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "float32", "float64":
		return "a number"
	default:
		return "an integer"
	}
}

// unknownField extracts the field name from encoding/json's "json: unknown field \"x\"" error, the
// only form in which the standard library reports it.
func unknownField(err error) (string, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):], true
	}
	return "", false
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
