package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/openapi"
	"github.com/octo-drone-shop/serverless/shared/openapi/spec"
)

const root = "../.."

// Every route declared in a func.yaml has a contract (its body types) in its function's Contract
// table, listed in contracts: a new function, or a new route, fails here until it declares its types.
func TestEveryDeclaredRouteHasAContract(t *testing.T) {
	b, err := funcyaml.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range b.Functions {
		if _, ok := contracts[f.Name]; !ok && len(f.Routes) > 0 {
			t.Errorf("function %s has routes but no Contract in tools/openapi/contracts.go", f.Name)
		}
	}
	if _, err := openapi.Build(b, contracts); err != nil {
		t.Fatal(err)
	}
}

// The committed document (served by the gateway, checked by the end-to-end tests) is the one the
// code generates: a changed type or declaration fails here until `make openapi` is run and committed.
func TestCommittedDocumentIsCurrent(t *testing.T) {
	want, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join(root, spec.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("%s is out of date: run make openapi and commit it", spec.FileName)
	}
	if !bytes.Equal(spec.JSON, have) {
		t.Fatal("package spec embeds another document than the file")
	}
}

// For every operation of the committed document, the success answer's schema is exactly its Go
// type's JSON encoding: the type's zero value conforms, and the same answer without any one of its
// fields, or with a field the type does not have, does not. So removing a field from a response type
// (without regenerating, or for a client that relies on the published document) makes an answer fail
// validation, here and in every end-to-end test.
func TestEveryResponseTypeMatchesTheCommittedDocument(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(spec.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for fn, ops := range contracts {
		for _, op := range ops {
			if op.Response == nil {
				continue
			}
			bodies := []any{op.Response}
			if one, ok := op.Response.(openapi.OneOf); ok {
				bodies = one
			}
			method, path, _ := cutRoute(op.Route)
			o := doc.Paths.Value(path).GetOperation(method)
			statuses := op.Status
			if len(statuses) == 0 {
				statuses = []int{200}
			}
			for _, st := range statuses {
				schema := o.Responses.Value(strconv.Itoa(st)).Value.Content.Get("application/json").Schema.Value
				for _, body := range bodies {
					checked++
					checkBody(t, fn+" "+op.Route+" "+strconv.Itoa(st), schema, body)
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("checked %d answers; the contracts are missing", checked)
	}
}

func cutRoute(r string) (method, path string, ok bool) {
	for i := range r {
		if r[i] == ' ' {
			return r[:i], r[i+1:], true
		}
	}
	return "", "", false
}

func checkBody(t *testing.T, name string, schema *openapi3.Schema, body any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("%s: the type's own encoding does not conform: %v\n%s", name, err, data)
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for field := range m {
		without := map[string]any{}
		for k, x := range m {
			if k != field {
				without[k] = x
			}
		}
		if schema.VisitJSON(any(without), openapi3.EnableJSONSchema2020()) == nil {
			t.Errorf("%s: the answer without %q still conforms", name, field)
		}
	}
	m["not_a_field"] = true
	if schema.VisitJSON(any(m), openapi3.EnableJSONSchema2020()) == nil {
		t.Errorf("%s: an answer with an unknown field conforms", name)
	}
}
