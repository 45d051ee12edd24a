package openapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

func loadBundle(t *testing.T) *manifest.Bundle {
	t.Helper()
	b, err := funcyaml.Load("../..")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parse round-trips doc through JSON, as clients receive it, into kin-openapi's model.
func parse(t *testing.T, doc map[string]any) *openapi3.T {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return loaded
}

// The bundle's document is valid OpenAPI 3.0 as kin-openapi (a full validator of the specification's
// rules: references resolve, path parameters are declared, operation ids are unique) reads it.
func TestTheBundlesDocumentIsValidOpenAPI(t *testing.T) {
	doc := parse(t, Document(loadBundle(t), Options{Servers: []Server{{URL: "http://localhost:8080"}}}))
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != Version || doc.Info.Version == "" {
		t.Fatalf("openapi %q, info.version %q", doc.OpenAPI, doc.Info.Version)
	}
}

// Every declared route is one operation under its path and method, naming its function and scope,
// with the bearer scheme exactly when the route is protected; nothing undeclared is described.
func TestEveryDeclaredRouteAndNothingElse(t *testing.T) {
	b := loadBundle(t)
	doc := parse(t, Document(b, Options{}))
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	routes := b.Routes()
	if ops != len(routes) {
		t.Errorf("%d operations for %d declared routes", ops, len(routes))
	}
	for _, r := range routes {
		item := doc.Paths.Value(r.Path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("%s is not described", r.Pattern())
			continue
		}
		op := item.GetOperation(r.Method)
		if op.Extensions["x-octo-function"] != r.Function || op.Extensions["x-octo-scope"] != string(r.Scope) {
			t.Errorf("%s: x-octo-function %v, x-octo-scope %v; declared %s, %s",
				r.Pattern(), op.Extensions["x-octo-function"], op.Extensions["x-octo-scope"], r.Function, r.Scope)
		}
		protected, optional := r.Scope != manifest.Public, r.TokenOptional()
		switch {
		case op.Security == nil:
			t.Errorf("%s: no security", r.Pattern())
		case optional && (len(*op.Security) != 2 || len((*op.Security)[0]) != 0 || (*op.Security)[1]["bearer"] == nil ||
			op.Extensions["x-octo-auth"] != "optional"):
			t.Errorf("%s: security %v, x-octo-auth %v for an optional token", r.Pattern(), op.Security, op.Extensions["x-octo-auth"])
		case !optional && (len(*op.Security) == 1) != protected:
			t.Errorf("%s: security %v for scope %s", r.Pattern(), op.Security, r.Scope)
		}
		for status, want := range map[string]bool{"401": protected || optional, "403": protected} {
			if (op.Responses.Value(status) != nil) != want {
				t.Errorf("%s: %s response listed %v for scope %s auth %q", r.Pattern(), status, !want, r.Scope, r.Auth)
			}
		}
		var params []string
		for _, p := range item.Parameters {
			params = append(params, "{"+p.Value.Name+"}")
		}
		for seg := range strings.SplitSeq(r.Path, "/") {
			if strings.HasPrefix(seg, "{") && !slices.Contains(params, seg) {
				t.Errorf("%s: path parameter %s not declared", r.Pattern(), seg)
			}
		}
	}
}

// What a route declares beyond method, path and scope shows in its operation: accepted media types,
// body limit, rate limit and the error answers they make possible.
func TestRouteDetails(t *testing.T) {
	b := &manifest.Bundle{Defaults: manifest.Function{Version: "1.2.3"}, Functions: []manifest.Function{{
		Name: "beacon",
		Routes: []manifest.Route{
			{Method: "POST", Path: "/api/page-views", Scope: manifest.Public, BodyLimit: 2048,
				Accept: []string{"text/plain"}, Rate: &manifest.Rate{PerSecond: 20}},
			{Method: "GET", Path: "/api/things/{thing_id}/parts/{part_id}", Scope: manifest.Staff},
		},
	}}}
	doc := parse(t, Document(b, Options{}))
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	post := doc.Paths.Value("/api/page-views").Post
	if post.OperationID != "postPageViews" || post.RequestBody == nil ||
		post.RequestBody.Value.Content.Get("application/json") == nil || post.RequestBody.Value.Content.Get("text/plain") == nil {
		t.Fatalf("POST operation %s, body %+v", post.OperationID, post.RequestBody)
	}
	if fmt.Sprint(post.Extensions["x-octo-body-limit"]) != "2048" {
		t.Errorf("x-octo-body-limit = %v", post.Extensions["x-octo-body-limit"])
	}
	if rate, _ := post.Extensions["x-octo-rate"].(map[string]any); fmt.Sprint(rate["per_second"]) != "20" || rate["key"] != "CLIENT_IP" {
		t.Errorf("x-octo-rate = %v", post.Extensions["x-octo-rate"])
	}
	for _, status := range []string{"400", "409", "413", "415", "429", "500", "503"} {
		if post.Responses.Value(status) == nil {
			t.Errorf("POST lacks the %s answer", status)
		}
	}
	if post.Responses.Value("404") != nil || post.Responses.Value("401") != nil {
		t.Error("a public route without parameters lists 404 or 401")
	}
	get := doc.Paths.Value("/api/things/{thing_id}/parts/{part_id}").Get
	if get.OperationID != "getThingsByThingIdPartsByPartId" || get.RequestBody != nil {
		t.Errorf("GET operation %s, body %v", get.OperationID, get.RequestBody)
	}
	for _, status := range []string{"401", "403", "404"} {
		if get.Responses.Value(status) == nil {
			t.Errorf("GET lacks the %s answer", status)
		}
	}
	if get.Responses.Value("413") != nil || get.Responses.Value("429") != nil {
		t.Error("a GET without a rate lists 413 or 429")
	}
}
