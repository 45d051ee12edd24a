// Package openapi describes the bundle's HTTP API as an OpenAPI 3.0 document built from the function
// declarations (package manifest), so the document cannot drift from what the router, the local
// gateway and Terraform serve: `octo openapi` prints it and the local gateway serves it at
// GET /openapi.json.
//
// What a declaration says, the document says: every route's method and path template with its path
// parameters, the function serving it, its auth scope (protected routes need a bearer token carrying
// that scope; public ones need none, and accept one when they declare auth: optional), its request media types and body limit, its rate limit, and the
// error answers the route can give in the bundle's error shape. What a declaration does not say, the
// document does not invent: request and response bodies are described as JSON objects, not field by
// field (the README documents each route's body with a curl example). Decision: adding per-route
// schemas to func.yaml would be a second, hand-kept description of each handler's types; if wanted,
// they belong generated from those types, not declared beside them.
//
// OpenAPI 3.0.3 rather than 3.1: it is the version OCI API Gateway imports as an API description.
package openapi

import (
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// Version is the OpenAPI version of the documents built here.
const Version = "3.0.3"

// Server is a base URL the document lists.
type Server struct {
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
}

// Options adds what the declarations do not hold.
type Options struct {
	// Servers are the base URLs; each route's path is appended to them. An API Gateway deployment's
	// URL includes its path prefix (Terraform's api_path_prefix, /v1 by default).
	Servers []Server
}

// Document builds the OpenAPI document of every route of b. The result marshals to JSON with
// encoding/json; maps make the key order deterministic.
func Document(b *manifest.Bundle, opts Options) map[string]any {
	paths := map[string]map[string]any{}
	var tags []any
	for _, f := range b.Functions {
		if len(f.Routes) > 0 {
			tags = append(tags, map[string]any{"name": f.Name, "description": "Served by the " + f.Name + " function (functions/" + f.Name + ")."})
		}
	}
	for _, r := range b.Routes() {
		item := paths[r.Path]
		if item == nil {
			item = map[string]any{}
			if params := pathParams(r.Path); len(params) > 0 {
				item["parameters"] = params
			}
			paths[r.Path] = item
		}
		item[strings.ToLower(r.Method)] = operation(r)
	}
	doc := map[string]any{
		"openapi": Version,
		"info": map[string]any{
			"title":   "OCTO Drone Shop and Enterprise CRM Portal API",
			"version": b.Defaults.Version,
			"description": "Built from the function declarations (functions/*/func.yaml). Errors are " +
				`{"error":{"code","message","request_id"}}; every answer echoes X-Request-Id.`,
		},
		"tags":  tags,
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer": map[string]any{
					"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
					"description": "A token from POST /api/auth/login or /api/auth/register, checked by the " +
						"gateway's authorizer function. A route's x-octo-scope names the scope the token must carry; " +
						"admin implies staff.",
				},
			},
			"schemas":   map[string]any{"Error": errorSchema},
			"responses": errorResponses(),
		},
	}
	if len(opts.Servers) > 0 {
		doc["servers"] = opts.Servers
	}
	return doc
}

// errorKinds are the error answers an operation can give: status, component name, bundle error code.
var errorKinds = []struct {
	status, name, code, description string
}{
	{"400", "InvalidRequest", "invalid_request", "The request is malformed or fails validation; nothing changed."},
	{"401", "Unauthorized", "unauthorized", "No valid bearer token (the answer carries WWW-Authenticate)."},
	{"403", "Forbidden", "forbidden", "The token lacks the route's scope, or the resource is not the caller's."},
	{"404", "NotFound", "not_found", "No such resource (or no such route)."},
	{"409", "Conflict", "conflict", "The request conflicts with the resource's current state."},
	{"413", "PayloadTooLarge", "payload_too_large", "The body exceeds the route's x-octo-body-limit."},
	{"415", "UnsupportedMediaType", "unsupported_media_type", "The body's Content-Type is not one the route accepts."},
	{"429", "RateLimited", "rate_limited", "Over the route's x-octo-rate (the answer carries Retry-After)."},
	{"500", "Internal", "internal", "An unexpected failure; the message never carries internal detail."},
	{"503", "Unavailable", "unavailable", "The database or a dependency is unavailable; retry later."},
}

var errorSchema = map[string]any{
	"type":     "object",
	"required": []string{"error"},
	"properties": map[string]any{
		"error": map[string]any{
			"type":     "object",
			"required": []string{"code", "message", "request_id"},
			"properties": map[string]any{
				"code":       map[string]any{"type": "string", "enum": errorCodes()},
				"message":    map[string]any{"type": "string"},
				"request_id": map[string]any{"type": "string"},
			},
		},
	},
}

func errorCodes() []string {
	codes := []string{"method_not_allowed"}
	for _, k := range errorKinds {
		codes = append(codes, k.code)
	}
	slices.Sort(codes)
	return codes
}

func errorResponses() map[string]any {
	out := map[string]any{}
	for _, k := range errorKinds {
		out[k.name] = map[string]any{
			"description": k.description + " Code " + k.code + ".",
			"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
		}
	}
	return out
}

// operation describes one route.
func operation(r manifest.BoundRoute) map[string]any {
	op := map[string]any{
		"operationId":     OperationID(r.Route),
		"tags":            []string{r.Function},
		"summary":         r.Method + " " + r.Path,
		"x-octo-function": r.Function,
		"x-octo-scope":    string(r.Scope),
	}
	errs := []string{"400", "500", "503"}
	if r.Scope != manifest.Public {
		op["security"] = []map[string][]string{{"bearer": {}}}
		op["description"] = "Needs a bearer token with scope " + r.Grant() + "."
		if r.Permission != "" {
			op["x-octo-permission"] = string(r.Permission)
		}
		errs = append(errs, "401", "403")
	} else if r.TokenOptional() {
		// OpenAPI's optional security: no requirement, or the bearer scheme.
		op["security"] = []map[string][]string{{}, {"bearer": {}}}
		op["description"] = "Anonymous without a token; with a bearer token (any scope) the caller is signed in, " +
			"and a token the authorizer refuses is 401."
		op["x-octo-auth"] = string(r.Auth)
		errs = append(errs, "401")
	} else {
		op["security"] = []map[string][]string{}
	}
	if strings.Contains(r.Path, "{") {
		errs = append(errs, "404")
	}
	if hasBody(r.Method) {
		content := map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		for _, mt := range r.Accept {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		op["requestBody"] = map[string]any{"required": true, "content": content}
		op["x-octo-body-limit"] = r.Limit()
		errs = append(errs, "409", "413", "415")
	}
	if r.Rate != nil {
		key := r.Rate.Key
		if key == "" {
			key = "CLIENT_IP"
		}
		op["x-octo-rate"] = map[string]any{"per_second": r.Rate.PerSecond, "key": key}
		errs = append(errs, "429")
	}
	responses := map[string]any{
		"2XX": map[string]any{
			"description": "Success: a JSON body (201 when the request created a resource).",
			"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}},
		},
	}
	for _, status := range errs {
		for _, k := range errorKinds {
			if k.status == status {
				responses[status] = map[string]any{"$ref": "#/components/responses/" + k.name}
			}
		}
	}
	op["responses"] = responses
	return op
}

func hasBody(method string) bool { return method == "POST" || method == "PUT" || method == "PATCH" }

// pathParams declares the {name} segments of a path template.
func pathParams(path string) []any {
	var params []any
	for seg := range strings.SplitSeq(path, "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			params = append(params, map[string]any{
				"name": strings.TrimSuffix(name, "}"), "in": "path", "required": true,
				"schema": map[string]any{"type": "string"},
			})
		}
	}
	return params
}

// OperationID names a route's operation after its method and path: GET /api/products/{id} is
// getProductsById. Routes never collide (manifest checks it), so neither do their ids.
func OperationID(r manifest.Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Method))
	for seg := range strings.SplitSeq(strings.TrimPrefix(r.Path, "/api/"), "/") {
		if name, ok := strings.CutPrefix(seg, "{"); ok {
			b.WriteString("By")
			seg = strings.TrimSuffix(name, "}")
		}
		for part := range strings.FieldsFuncSeq(seg, func(c rune) bool { return c == '-' || c == '_' || c == '.' || c == '~' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
