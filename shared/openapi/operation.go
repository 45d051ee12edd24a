package openapi

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// errorKinds are the error answers an operation can give: status, component name, bundle error code.
var errorKinds = []struct {
	status                  int
	name, code, description string
	header                  string // a header the answer always carries
}{
	{400, "InvalidRequest", "invalid_request", "The request is malformed or fails validation; nothing changed.", ""},
	{401, "Unauthorized", "unauthorized", "No valid bearer token.", "WWW-Authenticate"},
	// A public route's own 401 (login's wrong password, refresh's revoked token): no bearer challenge.
	{401, "BadCredentials", "unauthorized", "The credentials in the body (password, refresh token) are not valid.", ""},
	{403, "Forbidden", "forbidden", "The token lacks the route's scope, or the resource is not the caller's.", ""},
	{404, "NotFound", "not_found", "No such resource.", ""},
	{409, "Conflict", "conflict", "The request conflicts with the resource's current state.", ""},
	{412, "PreconditionFailed", "precondition_failed", "If-Match names a version that is no longer current; read again.", ""},
	{413, "PayloadTooLarge", "payload_too_large", "The body exceeds the route's x-octo-body-limit.", ""},
	{415, "UnsupportedMediaType", "unsupported_media_type", "The body's Content-Type is not one the route accepts.", ""},
	{422, "Unprocessable", "unprocessable", "The request is well-formed but cannot be processed.", ""},
	{428, "PreconditionRequired", "precondition_required", "The write needs If-Match with the record's ETag.", ""},
	{429, "RateLimited", "rate_limited", "Over the route's x-octo-rate.", "Retry-After"},
	{500, "Internal", "internal", "An unexpected failure; the message never carries internal detail.", ""},
	{501, "NotImplemented", "not_implemented", "Not available on this deployment.", ""},
	{502, "BadGateway", "bad_gateway", "The function failed to answer.", ""},
	{503, "Unavailable", "unavailable", "The database, a dependency or the function is busy; retry later.", "Retry-After"},
	{504, "Timeout", "timeout", "The function did not answer in time.", ""},
}

func errorResponses() map[string]any {
	out := map[string]any{}
	for _, k := range errorKinds {
		headers := map[string]any{"X-Request-Id": ref("headers", "X-Request-Id")}
		if k.header != "" {
			headers[k.header] = ref("headers", k.header)
		}
		out[k.name] = map[string]any{
			"description": k.description + " Code " + k.code + ".",
			"headers":     headers,
			"content":     map[string]any{"application/json": map[string]any{"schema": ref("schemas", "Error")}},
		}
	}
	return out
}

// headerComponents are the headers answers carry.
func headerComponents() map[string]any {
	str := func(desc string, required bool) map[string]any {
		return map[string]any{"description": desc, "required": required, "schema": map[string]any{"type": "string"}}
	}
	return map[string]any{
		"X-Request-Id":     str("The request's id (the client's, when well-formed, else generated): quote it when reporting a problem.", true),
		"Retry-After":      map[string]any{"description": "Seconds to wait before retrying.", "required": true, "schema": map[string]any{"type": "string", "pattern": "^[0-9]+$"}},
		"WWW-Authenticate": str("The bearer challenge (RFC 6750).", true),
		"ETag":             str("The record's version, to send back as If-Match when changing it.", true),
		"Location":         str("The path of the record the request created.", true),
		"Idempotent-Replayed": map[string]any{"description": "true: the answer is the one the Idempotency-Key's first request got; nothing was done again.",
			"required": true, "schema": map[string]any{"type": "string", "enum": []string{"true"}}},
		"Content-Disposition": str("With a text/csv answer: attachment; filename=\"<name>.csv\".", false),
		"X-Export-Limit": map[string]any{"description": "With a text/csv answer: the most rows this export holds. An export of exactly " +
			"that many rows may continue: ask again with before_id=<the last row's id>. On OCI Functions and AWS Lambda, whose " +
			"answers are limited to 6 MB, an export that reaches the limit ends early and this says how many rows it holds.",
			"required": false, "schema": map[string]any{"type": "string", "pattern": "^[0-9]+$"}},
	}
}

func ref(kind, name string) map[string]any {
	return map[string]any{"$ref": "#/components/" + kind + "/" + name}
}

// operation describes route r with contract c, reflecting response bodies with s and request bodies
// with in.
func operation(s, in *schemas, r manifest.BoundRoute, c Operation) (map[string]any, error) {
	summary := c.Summary
	if summary == "" {
		summary = r.Method + " " + r.Path
	}
	op := map[string]any{
		"operationId":     OperationID(r.Route),
		"tags":            []string{r.Function},
		"summary":         summary,
		"x-octo-function": r.Function,
		"x-octo-scope":    string(r.Scope),
	}
	errs := []int{400, 500, 502, 503, 504}
	switch {
	case r.Scope != manifest.Public:
		op["security"] = []map[string][]string{{"bearer": {}}}
		op["description"] = "Needs a bearer token with scope " + r.Grant() + "."
		if r.Permission != "" {
			op["x-octo-permission"] = string(r.Permission)
		}
		errs = append(errs, 401, 403)
	case r.TokenOptional():
		// OpenAPI's optional security: no requirement, or the bearer scheme.
		op["security"] = []map[string][]string{{}, {"bearer": {}}}
		op["description"] = "Anonymous without a token; with a bearer token (any scope) the caller is signed in, " +
			"and a token the function refuses (it verifies the token itself) is 401."
		op["x-octo-auth"] = string(r.Auth)
		errs = append(errs, 401)
	default:
		op["security"] = []map[string][]string{}
	}
	if strings.Contains(r.Path, "{") {
		errs = append(errs, 404)
	}
	if len(c.Produces) > 0 {
		desc, _ := op["description"].(string)
		op["description"] = strings.TrimSpace(desc + " Answers " + strings.Join(c.Produces, " or ") +
			" instead of JSON when the Accept header asks for it.")
	}
	var params []any
	for _, q := range c.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "required": false, "schema": map[string]any{"type": "string"}})
	}
	for _, h := range c.Headers {
		params = append(params, map[string]any{"name": h, "in": "header", "required": false, "schema": map[string]any{"type": "string"}})
	}
	if c.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": true,
			"description": "A key unique to this write (8 to 128 of A-Z a-z 0-9 . _ : -): a retry with the same key and body " +
				"gets the first answer again; the same key with another body is 409.",
			"schema": map[string]any{"type": "string", "pattern": "^[A-Za-z0-9._:-]{8,128}$"}})
		errs = append(errs, 409)
	}
	if c.IfMatch {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true,
			"description": "The ETag of the record as read (428 without it, 412 when stale).", "schema": map[string]any{"type": "string"}})
		errs = append(errs, 412, 428)
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if c.Request != nil {
		schema, err := in.of(c.Request)
		if err != nil {
			return nil, err
		}
		content := map[string]any{"application/json": map[string]any{"schema": schema}}
		for _, mt := range r.Accept {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/json"}}
		}
		op["requestBody"] = map[string]any{"required": !c.BodyOptional, "content": content}
		op["x-octo-body-limit"] = r.Limit()
		errs = append(errs, 413, 415)
	}
	if r.Rate != nil {
		key := r.Rate.Key
		if key == "" {
			key = "CLIENT_IP"
		}
		op["x-octo-rate"] = map[string]any{"per_second": r.Rate.PerSecond, "key": key}
		errs = append(errs, 429)
	}
	responses := map[string]any{}
	statuses := c.Status
	if len(statuses) == 0 {
		statuses = []int{200}
	}
	headers := map[string]any{"X-Request-Id": ref("headers", "X-Request-Id")}
	if c.ETag {
		headers["ETag"] = ref("headers", "ETag")
	}
	for _, st := range statuses {
		resp := map[string]any{"description": successText(st), "headers": statusHeaders(headers, c, st)}
		content := map[string]any{}
		if c.Response != nil {
			schema, err := s.body(c.Response)
			if err != nil {
				return nil, err
			}
			content["application/json"] = map[string]any{"schema": schema}
		}
		for _, mt := range c.Produces {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		if len(content) > 0 {
			resp["content"] = content
		}
		responses[strconv.Itoa(st)] = resp
	}
	errs = append(errs, c.Errors...)
	slices.Sort(errs)
	for _, status := range slices.Compact(errs) {
		for _, k := range errorKinds {
			if k.status == status && responses[strconv.Itoa(status)] == nil {
				name := k.name
				if status == 401 && r.Scope == manifest.Public && !r.TokenOptional() {
					name = "BadCredentials"
				}
				responses[strconv.Itoa(status)] = ref("responses", name)
			}
		}
	}
	op["responses"] = responses
	return op, nil
}

// statusHeaders adds to headers (those of every success answer) what the answer with status carries:
// Location on a create's 201, Idempotent-Replayed on an idempotent write's replay (200), and
// Content-Disposition and X-Export-Limit where the answer can be CSV.
func statusHeaders(headers map[string]any, c Operation, status int) map[string]any {
	out := maps.Clone(headers)
	if c.Location && status == 201 {
		out["Location"] = ref("headers", "Location")
	}
	if c.Idempotent && status == 200 {
		out["Idempotent-Replayed"] = ref("headers", "Idempotent-Replayed")
	}
	if slices.Contains(c.Produces, "text/csv") {
		out["Content-Disposition"] = ref("headers", "Content-Disposition")
		out["X-Export-Limit"] = ref("headers", "X-Export-Limit")
	}
	return out
}

func successText(status int) string {
	switch status {
	case 201:
		return "Created."
	case 202:
		return "Accepted: the work continues after the answer."
	case 204:
		return "Done; no body."
	}
	return "Success."
}

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

// body is the schema of a response body: a type, or one of several.
func (s *schemas) body(v any) (any, error) {
	one, ok := v.(OneOf)
	if !ok {
		return s.of(v)
	}
	var alts []any
	for _, t := range one {
		schema, err := s.of(t)
		if err != nil {
			return nil, err
		}
		alts = append(alts, schema)
	}
	return map[string]any{"oneOf": alts}, nil
}
