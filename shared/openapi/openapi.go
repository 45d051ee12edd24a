// Package openapi builds the bundle's OpenAPI 3.1 document from the code: the routes, scopes, body
// limits, media types and rate limits come from the function declarations (package manifest), and
// every route's request and response bodies from the Go types its handler decodes and answers, which
// each function package names in its contract table (a []Operation beside its handler map).
// Nothing is kept by hand: the schemas are reflected from the types (see schemas), so a field removed
// from a response type leaves the document, and an answer still carrying it fails validation.
//
// Build needs every function package, which shared cannot import (each function is its own module):
// tools/openapi imports them all, calls Build and writes the result to spec/openapi.json, which
// package spec embeds; the local gateway serves it at GET /openapi.json, `octo openapi` prints it, and
// the end-to-end stack (package stacktest) validates every answer against it. A test in tools/openapi
// fails when the committed file is out of date or a declared route has no contract.
//
// OpenAPI 3.1 rather than 3.0: its schemas are JSON Schema 2020-12, what the reflected Go types
// produce (null as a type, closed objects), and what kin-openapi validates answers with
// (openapi3.EnableJSONSchema2020 through santhosh-tekuri/jsonschema/v6).
package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Version is the OpenAPI version of the documents built here.
const Version = "3.1.0"

// Operation is a route's contract (package contract); OneOf a response of several types.
type (
	Operation = contract.Operation
	OneOf     = contract.OneOf
)

// Server is a base URL the document lists.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Build returns the OpenAPI document of every route of b, with the bodies of contracts (function
// name -> its contract table). It fails when a declared route has no contract, a contract names an
// undeclared route, or a type cannot be described. The result marshals deterministically with
// encoding/json.
func Build(b *manifest.Bundle, contracts map[string][]Operation) (map[string]any, error) {
	s, in := newSchemas(false), newSchemas(true)
	byRoute := map[string]Operation{}
	var errs []string
	for fn, ops := range contracts {
		f, ok := b.Function(fn)
		if !ok {
			errs = append(errs, fmt.Sprintf("contract of %s: no such function", fn))
			continue
		}
		for _, op := range ops {
			if !slices.ContainsFunc(f.Routes, func(r manifest.Route) bool { return r.Pattern() == op.Route }) {
				errs = append(errs, fmt.Sprintf("contract of %s: %s is not declared in its func.yaml", fn, op.Route))
			}
			byRoute[op.Route] = op
		}
	}
	errSchema, err := s.of(web.ErrorBody{})
	if err != nil {
		return nil, err
	}
	paths := map[string]map[string]any{}
	var tags []any
	for _, f := range b.Functions {
		if len(f.Routes) > 0 {
			tags = append(tags, map[string]any{"name": f.Name, "description": "Served by the " + f.Name + " function (functions/" + f.Name + ")."})
		}
	}
	for _, r := range b.Routes() {
		c, ok := byRoute[r.Pattern()]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s (function %s) has no contract: add it to the function's Contract table", r.Pattern(), r.Function))
			continue
		}
		op, err := operation(s, in, r, c)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", r.Pattern(), err)
		}
		item := paths[r.Path]
		if item == nil {
			item = map[string]any{}
			if params := pathParams(r.Path); len(params) > 0 {
				item["parameters"] = params
			}
			paths[r.Path] = item
		}
		item[strings.ToLower(r.Method)] = op
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("openapi: %s", strings.Join(errs, "; "))
	}
	s.defs["Error"] = errSchema
	for name, d := range in.defs {
		if _, ok := s.defs[name]; !ok {
			s.defs[name] = d
		}
	}
	return map[string]any{
		"openapi": Version,
		"info": map[string]any{
			"title":   "OCTO Drone Shop and Enterprise CRM Portal API",
			"version": b.Defaults.Version,
			"summary": "The serverless bundle's HTTP API, built from the functions' declarations and Go types.",
			"description": "Built from the function declarations (functions/*/func.yaml) and the Go types of their " +
				"handlers (tools/openapi). Errors are " + `{"error":{"code","message","request_id"}}` + "; every answer echoes X-Request-Id.",
		},
		// Relative: the host that serves the document. The local gateway and `octo openapi --server`
		// replace it with absolute URLs (spec.WithServers).
		"servers": []Server{{URL: "/", Description: "the host serving this document"}},
		"tags":    tags,
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{
					"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A token from POST /api/auth/login or /api/auth/register, checked by the " +
						"gateway's authorizer function. A route's x-octo-scope names the scope the token must carry; " +
						"admin implies staff.",
				},
			},
			"schemas":   s.defs,
			"responses": errorResponses(),
			"headers":   headerComponents(),
		},
	}, nil
}
