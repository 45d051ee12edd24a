package conform

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type widget struct {
	ID   int64   `json:"id"`
	Name string  `json:"name"`
	Note *string `json:"note"`
}

func checker(t *testing.T) *Checker {
	t.Helper()
	b := &manifest.Bundle{Defaults: manifest.Function{Version: "1"}, Functions: []manifest.Function{{Name: "widgets",
		Routes: []manifest.Route{
			{Method: "GET", Path: "/api/widgets/{id}", Scope: manifest.Public},
			{Method: "PATCH", Path: "/api/widgets/{id}", Scope: manifest.Staff},
			{Method: "POST", Path: "/api/widgets", Scope: manifest.Staff},
		}}}}
	doc, err := openapi.Build(b, map[string][]openapi.Operation{"widgets": {
		{Route: "GET /api/widgets/{id}", Response: widget{}, Produces: []string{"text/csv"}},
		{Route: "PATCH /api/widgets/{id}", Request: widget{}, Response: widget{}, IfMatch: true, ETag: true},
		{Route: "POST /api/widgets", Request: widget{}, Response: widget{}, Status: []int{201, 200}, Idempotent: true, Location: true},
	}})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(doc)
	c, err := New(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An answer conforms when its status is documented, its body matches that answer's schema and the
// headers the answer declares are there; each way of breaking one of those is reported.
func TestCheck(t *testing.T) {
	c := checker(t)
	ok := `{"id":1,"name":"w","note":null}`
	errBody := `{"error":{"code":"not_found","message":"no","request_id":"abc"}}`
	h := func(kv ...string) http.Header {
		out := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"abc"}}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		header             http.Header
		body, wantErr      string
	}{
		{"conforming", "GET", "/api/widgets/1", 200, h(), ok, ""},
		{"documented error", "GET", "/api/widgets/1", 404, h(), errBody, ""},
		{"field missing (removed from the type)", "GET", "/api/widgets/1", 200, h(), `{"id":1,"note":null}`, "name"},
		{"unknown field", "GET", "/api/widgets/1", 200, h(), `{"id":1,"name":"w","note":null,"x":1}`, "x"},
		{"wrong type", "GET", "/api/widgets/1", 200, h(), `{"id":"1","name":"w","note":null}`, "id"},
		{"undocumented status", "GET", "/api/widgets/1", 409, h(), errBody, "status is not supported"},
		{"error not in the error shape", "GET", "/api/widgets/1", 404, h(), `{"message":"no"}`, "error"},
		{"missing X-Request-Id", "GET", "/api/widgets/1", 200, http.Header{"Content-Type": {"application/json"}}, ok, "X-Request-Id"},
		{"missing ETag", "PATCH", "/api/widgets/1", 200, h(), ok, "ETag"},
		{"with ETag", "PATCH", "/api/widgets/1", 200, h("ETag", `"v1"`), ok, ""},
		{"401 without its challenge", "PATCH", "/api/widgets/1", 401, h(), errBody, "WWW-Authenticate"},
		{"429 undocumented here", "PATCH", "/api/widgets/1", 429, h("Retry-After", "1"), errBody, "status is not supported"},
		{"CSV where the operation produces it", "GET", "/api/widgets/1", 200, h("Content-Type", "text/csv; charset=utf-8"), "id,name\n1,w\n", ""},
		{"CSV that is not CSV", "GET", "/api/widgets/1", 200, h("Content-Type", "text/csv"), "id,\"name\n", "quote"},
		{"CSV where the operation does not produce it", "PATCH", "/api/widgets/1", 200, h("Content-Type", "text/csv", "ETag", `"v1"`), "id\n1\n", "text/csv"},
		{"create without Location", "POST", "/api/widgets", 201, h(), ok, "Location"},
		{"create with Location", "POST", "/api/widgets", 201, h("Location", "/api/widgets/1"), ok, ""},
		{"replay without Idempotent-Replayed", "POST", "/api/widgets", 200, h(), ok, "Idempotent-Replayed"},
		{"replay with Idempotent-Replayed", "POST", "/api/widgets", 200, h("Idempotent-Replayed", "true"), ok, ""},
		{"no route: error shape", "GET", "/api/nothing", 404, h(), errBody, ""},
		{"no route: not an error", "GET", "/api/nothing", 200, h(), ok, "no such operation"},
		{"wrong method: error shape", "DELETE", "/api/widgets/1", 405, h(), errBody, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			err := c.Check(t.Context(), req, tc.status, tc.header, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("reported: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("err = %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
}

// Handler passes every answer on unchanged and reports the ones that do not conform.
func TestHandler(t *testing.T) {
	c := checker(t)
	var reported []error
	srv := httptest.NewServer(c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "abc")
		web.JSON(w, http.StatusOK, map[string]any{"id": 1, "name": r.URL.Query().Get("name"), "note": nil, "extra": r.URL.Query().Get("extra")})
	}), func(err error) { reported = append(reported, err) }))
	defer srv.Close()
	res, err := http.Get(srv.URL + "/api/widgets/1?name=w")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	_ = json.NewDecoder(res.Body).Decode(&got)
	res.Body.Close()
	if res.StatusCode != 200 || got["name"] != "w" || res.Header.Get("X-Request-Id") != "abc" {
		t.Fatalf("answer changed: %d %v %v", res.StatusCode, got, res.Header)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "extra") {
		t.Fatalf("reported %v, want the extra field", reported)
	}
}
