package openapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/money"
)

// thing, part and newThing are a test function's body types.
type thing struct {
	ID    int64       `json:"id"`
	Name  string      `json:"name"`
	Price money.Cents `json:"price"`
	Parts []part      `json:"parts"`
	Next  *string     `json:"next"`
	Note  string      `json:"note,omitempty"`
	At    time.Time   `json:"at"`
}

type part struct {
	SKU string `json:"sku"`
}

type newThing struct {
	Name  string  `json:"name"`
	Color *string `json:"color"`
}

func testBundle() *manifest.Bundle {
	return &manifest.Bundle{Defaults: manifest.Function{Version: "1.2.3"}, Functions: []manifest.Function{{
		Name: "things",
		Routes: []manifest.Route{
			{Method: "POST", Path: "/api/things", Scope: manifest.Public, BodyLimit: 2048,
				Accept: []string{"text/plain"}, Rate: &manifest.Rate{PerSecond: 20}},
			{Method: "GET", Path: "/api/things/{thing_id}/parts/{part_id}", Scope: manifest.Staff},
			{Method: "PATCH", Path: "/api/things/{thing_id}", Scope: manifest.Staff},
		},
	}}}
}

var testContracts = map[string][]Operation{"things": {
	{Route: "POST /api/things", Request: newThing{}, Response: thing{}, Status: []int{201}, Idempotent: true},
	{Route: "GET /api/things/{thing_id}/parts/{part_id}", Response: part{}, Query: []string{"expand"}, Produces: []string{"text/csv"}},
	{Route: "PATCH /api/things/{thing_id}", Request: newThing{}, Response: thing{}, IfMatch: true, ETag: true},
}}

// load builds the document of b and contracts and reads it back through JSON, as clients receive
// it, into kin-openapi's model, which must find it valid.
func load(t *testing.T, b *manifest.Bundle, contracts map[string][]Operation) *openapi3.T {
	t.Helper()
	doc, err := Build(b, contracts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := loaded.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if loaded.OpenAPI != Version || !loaded.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %q", loaded.OpenAPI)
	}
	return loaded
}

func responseSchema(t *testing.T, doc *openapi3.T, path, method, status string) *openapi3.Schema {
	t.Helper()
	r := doc.Paths.Value(path).GetOperation(method).Responses.Value(status)
	if r == nil || r.Value.Content.Get("application/json") == nil {
		t.Fatalf("%s %s has no JSON %s answer", method, path, status)
	}
	return r.Value.Content.Get("application/json").Schema.Value
}

func valid(s *openapi3.Schema, body string) error {
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		panic(err)
	}
	return s.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

// A response schema is the Go type's JSON encoding, closed: every field without omitempty is
// required, nil-able fields may be null, custom encodings are described as they encode, and a field
// the type does not have is refused. So an answer missing a field the document lists (a field
// removed from the type, or a document out of date) fails, and so does one with an extra field.
func TestResponseSchemasAreTheTypesClosed(t *testing.T) {
	doc := load(t, testBundle(), testContracts)
	s := responseSchema(t, doc, "/api/things", "POST", "201")
	full, _ := json.Marshal(thing{ID: 1, Name: "x", Price: 1250, Parts: []part{{SKU: "A"}}, At: time.Now()})
	if err := valid(s, string(full)); err != nil {
		t.Fatalf("the type's own encoding does not conform: %v\n%s", err, full)
	}
	zero, _ := json.Marshal(thing{}) // nil slice and pointer: null
	if err := valid(s, string(zero)); err != nil {
		t.Fatalf("the zero value does not conform: %v\n%s", err, zero)
	}
	var m map[string]any
	_ = json.Unmarshal(full, &m)
	for _, field := range []string{"id", "name", "price", "parts", "next", "at"} {
		without := map[string]any{}
		for k, v := range m {
			if k != field {
				without[k] = v
			}
		}
		b, _ := json.Marshal(without)
		if valid(s, string(b)) == nil {
			t.Errorf("an answer without %q conforms", field)
		}
	}
	for name, body := range map[string]string{
		"extra field":      strings.Replace(string(full), `"id":1`, `"id":1,"extra":true`, 1),
		"price as number":  strings.Replace(string(full), `"price":"12.50"`, `"price":12.5`, 1),
		"name null":        strings.Replace(string(full), `"name":"x"`, `"name":null`, 1),
		"part extra field": strings.Replace(string(full), `"sku":"A"`, `"sku":"A","x":1`, 1),
	} {
		if body == string(full) {
			t.Fatalf("%s: replacement did not apply to %s", name, full)
		}
		if valid(s, body) == nil {
			t.Errorf("%s conforms: %s", name, body)
		}
	}
}

// What a route declares and its contract adds shows in its operation: bodies, parameters, headers,
// and the error answers they make possible.
func TestOperationDetails(t *testing.T) {
	doc := load(t, testBundle(), testContracts)
	post := doc.Paths.Value("/api/things").Post
	if post.OperationID != "postThings" || post.RequestBody == nil || !post.RequestBody.Value.Required ||
		post.RequestBody.Value.Content.Get("application/json") == nil || post.RequestBody.Value.Content.Get("text/plain") == nil {
		t.Fatalf("POST operation %s, body %+v", post.OperationID, post.RequestBody)
	}
	req := post.RequestBody.Value.Content.Get("application/json").Schema.Value
	if fmt.Sprint(req.Required) != "[name]" {
		t.Errorf("request required = %v; a pointer field of a request is optional", req.Required)
	}
	if post.Parameters.GetByInAndName("header", "Idempotency-Key") == nil || !post.Parameters.GetByInAndName("header", "Idempotency-Key").Required {
		t.Error("no required Idempotency-Key")
	}
	if fmt.Sprint(post.Extensions["x-octo-body-limit"]) != "2048" {
		t.Errorf("x-octo-body-limit = %v", post.Extensions["x-octo-body-limit"])
	}
	for _, status := range []string{"201", "400", "409", "413", "415", "429", "500", "502", "503", "504"} {
		if post.Responses.Value(status) == nil {
			t.Errorf("POST lacks the %s answer", status)
		}
	}
	if post.Responses.Value("200") != nil || post.Responses.Value("404") != nil || post.Responses.Value("401") != nil {
		t.Error("POST lists 200, or 404/401 for a public route without parameters")
	}
	if h := post.Responses.Value("429").Value.Headers["Retry-After"]; h == nil || !h.Value.Required {
		t.Error("429 without a required Retry-After")
	}
	get := doc.Paths.Value("/api/things/{thing_id}/parts/{part_id}").Get
	if get.OperationID != "getThingsByThingIdPartsByPartId" || get.RequestBody != nil || get.Parameters.GetByInAndName("query", "expand") == nil {
		t.Errorf("GET operation %s, body %v, parameters %v", get.OperationID, get.RequestBody, get.Parameters)
	}
	for _, status := range []string{"200", "401", "403", "404"} {
		if get.Responses.Value(status) == nil {
			t.Errorf("GET lacks the %s answer", status)
		}
	}
	if ok := get.Responses.Value("200").Value.Content; ok.Get("application/json") == nil || ok.Get("text/csv") == nil ||
		!ok.Get("text/csv").Schema.Value.Type.Is("string") {
		t.Errorf("GET's answer media types = %v, want application/json and text/csv (a string)", ok)
	}
	if post.Responses.Value("201").Value.Content.Get("text/csv") != nil {
		t.Error("POST documents text/csv without Produces")
	}
	if h := get.Responses.Value("401").Value.Headers["WWW-Authenticate"]; h == nil || !h.Value.Required {
		t.Error("401 without a required WWW-Authenticate")
	}
	patch := doc.Paths.Value("/api/things/{thing_id}").Patch
	if p := patch.Parameters.GetByInAndName("header", "If-Match"); p == nil || !p.Required {
		t.Error("PATCH without a required If-Match")
	}
	for _, status := range []string{"412", "428"} {
		if patch.Responses.Value(status) == nil {
			t.Errorf("PATCH lacks the %s answer", status)
		}
	}
	if h := patch.Responses.Value("200").Value.Headers["ETag"]; h == nil || !h.Value.Required {
		t.Error("PATCH's answer without a required ETag")
	}
}

// A declared route without a contract, a contract for an undeclared route, and a type with its own
// JSON encoding the document cannot describe are errors, never a guess.
func TestBuildRefusesWhatItCannotDescribe(t *testing.T) {
	missing := map[string][]Operation{"things": testContracts["things"][:2]}
	if _, err := Build(testBundle(), missing); err == nil || !strings.Contains(err.Error(), "PATCH /api/things/{thing_id} (function things) has no contract") {
		t.Errorf("missing contract: err = %v", err)
	}
	extra := map[string][]Operation{"things": append(testContracts["things"][:3:3], Operation{Route: "DELETE /api/things/{thing_id}"})}
	if _, err := Build(testBundle(), extra); err == nil || !strings.Contains(err.Error(), "DELETE /api/things/{thing_id} is not declared") {
		t.Errorf("undeclared route: err = %v", err)
	}
	type opaque struct {
		D json.Marshaler `json:"d"`
		U unmapped       `json:"u"`
	}
	odd := map[string][]Operation{"things": append(testContracts["things"][1:3:3], Operation{Route: "POST /api/things", Response: opaque{}})}
	if _, err := Build(testBundle(), odd); err == nil || !strings.Contains(err.Error(), "has its own JSON encoding") {
		t.Errorf("unmapped encoding: err = %v", err)
	}
}

type unmapped struct{ x int }

func (u unmapped) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprint(u.x)), nil }
