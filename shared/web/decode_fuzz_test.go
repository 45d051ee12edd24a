package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

// fuzzBody is the request type the decoder fuzz target decodes into.
type fuzzBody struct {
	Name  string     `json:"name"`
	Count int64      `json:"count"`
	Tags  []string   `json:"tags"`
	Inner *fuzzInner `json:"inner"`
}

type fuzzInner struct {
	A string `json:"a"`
}

// fuzzLimit is the route body limit the fuzz target decodes under.
const fuzzLimit = 256

// fuzzFields are the member names fuzzBody and fuzzInner declare, by object depth.
var fuzzFields = map[string]bool{"name": true, "count": true, "tags": true, "inner": true}

// FuzzDecode feeds arbitrary bodies to Decode behind the router's body limit and checks, against an
// independent reading of the body (encoding/json v1 into generic values): a body over the limit is
// never accepted (413, ErrBodyTooLarge); an accepted body is one JSON object (or null, the zero value) of valid UTF-8 with no
// trailing data whose members are all declared (so an unknown field or trailing data is never
// accepted); and an accepted body decodes the same twice and survives a round trip. The seed corpus
// is testdata/fuzz/FuzzDecode plus the cases below; go test runs them as regular tests, make fuzz
// explores further.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"name":"a","count":2,"tags":["x"],"inner":{"a":"b"}}`,
		`{"name":"a","admin":true}`,
		`{"name":"a"}{"name":"b"}`,
		`{"name":"a"} x`,
		`{"inner":{"a":"b","z":1}}`,
		`{"name":"a","name":"b"}`,
		`{"Name":"a"}`,
		`{"name":"\ud800"}`,
		`[1,2]`, `null`, ``, `   `, "{\"name\":\"\xff\"}",
		`{"name":"` + string(bytes.Repeat([]byte("x"), fuzzLimit)) + `"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		first, err := decodeUnderLimit(body)
		if len(body) > fuzzLimit {
			if err == nil || !errors.Is(err, ErrBodyTooLarge) {
				t.Fatalf("%d-byte body over the %d-byte limit answered %v", len(body), fuzzLimit, err)
			}
			return
		}
		if errors.Is(err, ErrBodyTooLarge) {
			t.Fatalf("%d-byte body within the limit refused as too large", len(body))
		}
		second, err2 := decodeUnderLimit(body)
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(first, second) {
			t.Fatalf("decoding %q twice: %+v (%v) then %+v (%v)", body, first, err, second, err2)
		}
		if err != nil {
			return
		}
		if reason := notStrictlyValid(body); reason != "" {
			t.Fatalf("accepted %q: %s", body, reason)
		}
		again, err := json.Marshal(first)
		if err != nil {
			t.Fatal(err)
		}
		var back fuzzBody
		if err := DecodeBytes(again, &back); err != nil || !reflect.DeepEqual(back, first) {
			t.Fatalf("round trip of %q: %s decodes to %+v, %v", body, again, back, err)
		}
	})
}

// decodeUnderLimit decodes body as the router would serve it to a route with a fuzzLimit limit.
func decodeUnderLimit(body []byte) (fuzzBody, error) {
	r := httptest.NewRequest(http.MethodPost, "/api/x", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, fuzzLimit)
	var v fuzzBody
	err := Decode(r, &v)
	return v, err
}

// notStrictlyValid returns why body should have been refused, read with encoding/json v1 into
// generic values ("" when it is one object of declared members and nothing after it).
func notStrictlyValid(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "v1 cannot read it: " + err.Error()
	}
	if _, err := dec.Token(); err != io.EOF {
		return "data follows the JSON value"
	}
	if v == nil { // null decodes to the zero value, which the handler's validation refuses
		return ""
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return "not a JSON object"
	}
	for k, val := range obj {
		if !fuzzFields[k] {
			return "unknown field " + k
		}
		if inner, ok := val.(map[string]any); ok && k == "inner" {
			for ik := range inner {
				if ik != "a" {
					return "unknown field inner." + ik
				}
			}
		}
	}
	return ""
}
