// Package conform checks HTTP answers against the bundle's OpenAPI document with kin-openapi's
// openapi3filter (OpenAPI 3.1 schemas validated as JSON Schema 2020-12): the status must be one the
// operation documents, the body must match that answer's schema (closed objects, required fields)
// and the headers it declares required (X-Request-Id, ETag, Retry-After, WWW-Authenticate) must be
// there. Package stacktest puts Handler in front of the local gateway, so every answer any
// end-to-end test (and the README walk-through) receives is checked, whichever client sent it.
//
// An answer to a path or method the document does not describe (the gateway's "no route" 404, a 405,
// a CORS preflight) must still be the bundle's error shape when it is an error; paths outside /api/
// (/openapi.json itself) and HEAD are not checked.
package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Checker validates answers against one document.
type Checker struct {
	doc    *openapi3.T
	router routers.Router
	errors *openapi3.Schema
}

// New loads and validates the document (JSON) and prepares its routes. The document's servers are
// ignored: answers are matched by path, as the gateway routes them.
func New(ctx context.Context, data []byte) (*Checker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("conform: load: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("conform: the document is not valid OpenAPI: %w", err)
	}
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("conform: %w", err)
	}
	c := &Checker{doc: doc, router: router}
	if ref := doc.Components.Schemas["Error"]; ref != nil {
		c.errors = ref.Value
	}
	if c.errors == nil {
		return nil, errors.New("conform: the document has no Error schema")
	}
	return c, nil
}

// Check validates one answer (status, headers, body) to req.
func (c *Checker) Check(ctx context.Context, req *http.Request, status int, header http.Header, body []byte) error {
	if req.Method == http.MethodHead || req.Method == http.MethodOptions || !strings.HasPrefix(req.URL.Path, "/api/") {
		return nil
	}
	what := req.Method + " " + req.URL.Path
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		// Undocumented path or method: only an error answer in the error shape is right.
		if status < 400 {
			return fmt.Errorf("%s answered %d but the document has no such operation (%v)", what, status, err)
		}
		return c.checkError(what, status, body)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
		return fmt.Errorf("%s answered %d, which does not conform to operation %s: %w\nbody: %s",
			what, status, route.Operation.OperationID, err, clip(body))
	}
	return nil
}

func (c *Checker) checkError(what string, status int, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s answered %d with a body that is not JSON: %s", what, status, clip(body))
	}
	if err := c.errors.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("%s answered %d with a body that is not the error shape: %w", what, status, err)
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// Handler serves next, checking every answer before passing it on; report receives each answer
// that does not conform (the client still gets it unchanged). Answers are buffered whole.
func (c *Checker) Handler(next http.Handler, report func(error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		// The check needs the request as the client sent it; next may consume its body.
		check := r.Clone(r.Context())
		check.Body = http.NoBody
		next.ServeHTTP(rec, r)
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		if err := c.Check(r.Context(), check, res.StatusCode, res.Header, body); err != nil {
			report(err)
		}
		for k, vs := range res.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, bytes.NewReader(body))
	})
}
