package gateway

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/openapi"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// OpenAPIPath is where the gateway serves the bundle's OpenAPI document (see package openapi). It is
// outside /api/, so it cannot shadow a declared route.
const OpenAPIPath = "/openapi.json"

// serveOpenAPI answers GET (and HEAD) OpenAPIPath with the document of the declarations the gateway
// routes by, listing the gateway itself as the server.
func (g *Gateway) serveOpenAPI(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return fail(w, r, apperr.MethodNotAllowed, "method "+r.Method+" is not allowed here; allowed: GET, HEAD")
	}
	doc := openapi.Document(g.bundle, openapi.Options{Servers: []openapi.Server{
		{URL: "http://" + r.Host, Description: "this local gateway (make run)"},
	}})
	web.JSON(w, http.StatusOK, doc)
	return http.StatusOK
}
