package web

import (
	"bytes"
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
// JSON, unknown fields, wrongly typed values and trailing data after the value.
func Decode(r *http.Request, v any) error {
	const op = "web.Decode"
	if err := checkMediaType(r); err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return apperr.E(op, apperr.PayloadTooLarge, fmt.Sprintf("request body exceeds %d bytes", mbe.Limit))
		}
		return apperr.Wrap(op, apperr.Invalid, err)
	}
	return DecodeBytes(body, v)
}

// DecodeBytes decodes body strictly into v, with the same errors as Decode.
func DecodeBytes(body []byte, v any) error {
	const op = "web.Decode"
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.E(op, apperr.Invalid, "request body is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.E(op, apperr.Invalid, describeJSONError(err)).WithCode("invalid_request")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.E(op, apperr.Invalid, "request body has data after the JSON value")
	}
	return nil
}

// describeJSONError turns a decoding error into a message safe and useful for clients: it names the
// field and the expected type, never Go type names.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be %s", typ.Field, jsonKind(typ.Type.Kind().String()))
		}
		return "request body must be a JSON object"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: unexpected end of input"
	}
	if f, ok := unknownField(err); ok {
		return fmt.Sprintf("unknown field %s", f)
	}
	return "malformed JSON"
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
