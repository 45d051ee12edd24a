// Package contract is how a function declares its routes' body types for the OpenAPI document: each
// function package exports Contract []contract.Operation, one line per route beside its handler map,
// and tools/openapi builds the document from them (package openapi). It imports nothing, so a
// function binary links no schema reflection for it.
package contract

// Operation is a route's contract: the Go types of its bodies and what its handler reads and answers
// beyond its declaration. Each function package lists one per route, beside its handler map:
//
//	var Contract = []contract.Operation{
//		{Route: "GET /api/products/{id}", Response: Product{}},
//		{Route: "POST /api/cart/items", Request: AddItem{}, Response: Cart{}, Status: []int{201}},
//	}
type Operation struct {
	// Route is the route's pattern, "METHOD /path", as in func.yaml and the handler map.
	Route string
	// Request is a value of the JSON request body's type; nil when the route reads no body.
	Request any
	// BodyOptional marks a Request body the client may leave out.
	BodyOptional bool
	// Response is a value of the success answer's JSON body type (or a OneOf of them); nil when it has
	// none.
	Response any
	// Produces lists success media types the handler answers besides application/json when the
	// request's Accept header asks for one (e.g. text/csv for an export); each is documented as a
	// string body beside the JSON one.
	Produces []string
	// Status lists the success statuses (default 200).
	Status []int
	// Query names the query parameters the handler reads (all optional strings).
	Query []string
	// Headers names request headers the handler reads (Idempotency-Key, X-Order-Token, ...).
	Headers []string
	// Idempotent marks a write that requires an Idempotency-Key header: a retry with the same key and
	// body answers the first result again (200 with Idempotent-Replayed: true), another body with the
	// same key is 409.
	Idempotent bool
	// Location marks a create whose 201 answer carries Location, the created record's path.
	Location bool
	// IfMatch marks an optimistic-concurrency write: If-Match is required (428 without it, 412 when
	// stale). ETag marks a read or write whose success answer carries the record's ETag.
	IfMatch, ETag bool
	// Errors lists error statuses the handler answers beyond those its declaration implies (e.g. 409,
	// 422, 501).
	Errors []int
	// Summary is a short description of the operation.
	Summary string
}

// OneOf is a Response that is one of several types, e.g. OneOf{Account{}, ExternalPrincipal{}}.
type OneOf []any
