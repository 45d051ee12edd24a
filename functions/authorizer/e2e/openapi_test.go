package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/stacktest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Every operation of the OpenAPI document the gateway serves reaches a function that routes it: sent
// without a token (path parameters 1, body {}), a protected operation gets the authorizer's 401 and a
// public one an answer from its function's own handler, never the gateway's or a function router's
// "no route" 404 or a 405. A route the document describes but nothing serves fails here.
func TestOpenAPIOperationsReachTheirFunctions(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	res, err := http.Get(st.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	err = json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json = %d, %v", res.StatusCode, err)
	}
	ops := 0
	for path, item := range doc.Paths {
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			ops++
			var op struct {
				Scope string `json:"x-octo-scope"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			method = strings.ToUpper(method)
			target := path
			for strings.Contains(target, "{") {
				i, j := strings.Index(target, "{"), strings.Index(target, "}")
				target = target[:i] + "1" + target[j+1:]
			}
			t.Run(method+" "+path, func(t *testing.T) {
				var body io.Reader
				if method == "POST" || method == "PUT" || method == "PATCH" {
					body = strings.NewReader("{}")
				}
				req, err := http.NewRequestWithContext(t.Context(), method, st.URL+target, body)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/json")
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var eb web.ErrorBody
				_ = json.NewDecoder(res.Body).Decode(&eb)
				switch {
				case op.Scope != "public" && res.StatusCode != http.StatusUnauthorized:
					t.Errorf("scope %s without a token answered %d, want 401: %+v", op.Scope, res.StatusCode, eb.Error)
				case res.StatusCode == http.StatusMethodNotAllowed,
					res.StatusCode == http.StatusNotFound && strings.HasPrefix(eb.Error.Message, "no route for"):
					t.Errorf("not routed: %d %+v", res.StatusCode, eb.Error)
				}
			})
		}
	}
	if want := len(st.Bundle.Routes()); ops != want {
		t.Errorf("the document has %d operations, the bundle declares %d routes", ops, want)
	}
}
