package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/openapi/spec"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// OpenAPIPath is where the gateway serves the bundle's OpenAPI document (see package openapi). It is
// outside /api/, so it cannot shadow a declared route.
const OpenAPIPath = "/openapi.json"

// serveOpenAPI answers GET (and HEAD) OpenAPIPath with the bundle's OpenAPI document (Config.OpenAPI,
// by default the one generated from the functions' code, package spec), listing the gateway itself as
// the server.
func (g *Gateway) serveOpenAPI(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return fail(w, r, apperr.MethodNotAllowed, "method "+r.Method+" is not allowed here; allowed: GET, HEAD")
	}
	doc := g.cfg.OpenAPI
	if doc == nil {
		doc = spec.JSON
	}
	out, err := spec.WithServers(doc, spec.Server{URL: "http://" + r.Host, Description: "this local gateway (make run)"})
	if err != nil {
		return fail(w, r, apperr.Internal, "the OpenAPI document does not parse")
	}
	web.JSON(w, http.StatusOK, json.RawMessage(out))
	return http.StatusOK
}
