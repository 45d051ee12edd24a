package web

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

var testFn = manifest.Function{Name: "widgets", Routes: []manifest.Route{
	{Method: "GET", Path: "/api/widgets/{id}", Scope: manifest.Public},
	{Method: "POST", Path: "/api/widgets", Scope: manifest.Public, BodyLimit: 64},
	{Method: "DELETE", Path: "/api/widgets/{id}", Scope: manifest.Admin},
	{Method: "POST", Path: "/api/beacons", Scope: manifest.Public, Accept: []string{"text/plain"}},
}}

type widget struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func testRouter(t *testing.T) http.Handler {
	t.Helper()
	decode := func(w http.ResponseWriter, r *http.Request) error {
		var in widget
		if err := Decode(r, &in); err != nil {
			return err
		}
		JSON(w, http.StatusCreated, in)
		return nil
	}
	h, err := NewRouter(testFn, slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]HandlerFunc{
		"GET /api/widgets/{id}": func(w http.ResponseWriter, r *http.Request) error {
			switch id := r.PathValue("id"); id {
			case "boom":
				return apperr.Wrap("widgets.Get", apperr.Internal, errors.New("ORA-00942: table or view does not exist"))
			case "gone":
				return apperr.E("widgets.Get", apperr.NotFound, "widget not found")
			default:
				JSON(w, http.StatusOK, map[string]string{"id": id, "path": r.URL.Path})
				return nil
			}
		},
		"POST /api/widgets":        decode,
		"POST /api/beacons":        decode,
		"DELETE /api/widgets/{id}": func(w http.ResponseWriter, r *http.Request) error { w.WriteHeader(http.StatusNoContent); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func do(h http.Handler, method, target, contentType, body string) (*httptest.ResponseRecorder, ErrorBody) {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var eb ErrorBody
	_ = json.Unmarshal(rec.Body.Bytes(), &eb)
	return rec, eb
}

func TestRouterAnswers(t *testing.T) {
	h := WithRequestID(testRouter(t))
	tests := []struct {
		name, method, target, ctype, body string
		status                            int
		code                              string
	}{
		{"declared route serves", "GET", "/api/widgets/7", "", "", 200, ""},
		{"deployment prefix is tolerated", "GET", "/v1/api/widgets/7", "", "", 200, ""},
		{"unknown path is a JSON 404", "GET", "/api/nothing", "", "", 404, "not_found"},
		{"wrong method is a JSON 405", "PUT", "/api/widgets/7", "", "", 405, "method_not_allowed"},
		{"not-found error keeps its message", "GET", "/api/widgets/gone", "", "", 404, "not_found"},
		{"internal error hides its cause", "GET", "/api/widgets/boom", "", "", 500, "internal"},
		{"valid body decodes", "POST", "/api/widgets", "application/json", `{"name":"a","count":2}`, 201, ""},
		{"unknown field is rejected", "POST", "/api/widgets", "application/json", `{"name":"a","admin":true}`, 400, "invalid_request"},
		{"wrong type is rejected", "POST", "/api/widgets", "application/json", `{"count":"2"}`, 400, "invalid_request"},
		{"trailing data is rejected", "POST", "/api/widgets", "application/json", `{"name":"a"}{"name":"b"}`, 400, "invalid_request"},
		{"malformed JSON is rejected", "POST", "/api/widgets", "application/json", `{"name":`, 400, "invalid_request"},
		{"empty body is rejected", "POST", "/api/widgets", "application/json", ``, 400, "invalid_request"},
		{"body over the route limit is a 413", "POST", "/api/widgets", "application/json", `{"name":"` + strings.Repeat("x", 80) + `"}`, 413, "payload_too_large"},
		{"missing content type is a 415", "POST", "/api/widgets", "", `{"name":"a"}`, 415, "unsupported_media_type"},
		{"text/plain refused where not accepted", "POST", "/api/widgets", "text/plain", `{"name":"a"}`, 415, "unsupported_media_type"},
		{"text/plain accepted where declared", "POST", "/api/beacons", "text/plain;charset=UTF-8", `{"name":"a"}`, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, eb := do(h, tt.method, tt.target, tt.ctype, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); rec.Code != 204 && ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if eb.Error.Code != tt.code {
				t.Errorf("error code = %q, want %q", eb.Error.Code, tt.code)
			}
			if tt.code != "" && eb.Error.RequestID == "" {
				t.Error("error body has no request_id")
			}
		})
	}
}

func TestRouterDetails(t *testing.T) {
	h := testRouter(t)
	t.Run("405 lists the allowed methods", func(t *testing.T) {
		rec, _ := do(h, "PATCH", "/api/widgets/1", "", "")
		if got := rec.Header().Get("Allow"); got != "DELETE, GET" {
			t.Errorf("Allow = %q", got)
		}
	})
	t.Run("internal error body carries no cause", func(t *testing.T) {
		rec, eb := do(h, "GET", "/api/widgets/boom", "", "")
		if strings.Contains(rec.Body.String(), "ORA-") || eb.Error.Message != "internal error" {
			t.Errorf("body leaks detail: %s", rec.Body)
		}
	})
	t.Run("prefix is stripped before the handler sees the path", func(t *testing.T) {
		rec, _ := do(h, "GET", "/v1/api/widgets/7", "", "")
		if !strings.Contains(rec.Body.String(), `"path":"/api/widgets/7"`) {
			t.Errorf("body = %s", rec.Body)
		}
	})
	t.Run("unknown field is named", func(t *testing.T) {
		_, eb := do(h, "POST", "/api/widgets", "application/json", `{"admin":true}`)
		if eb.Error.Message != `unknown field "admin"` {
			t.Errorf("message = %q", eb.Error.Message)
		}
	})
	t.Run("wrongly typed field is named", func(t *testing.T) {
		_, eb := do(h, "POST", "/api/widgets", "application/json", `{"count":"2"}`)
		if eb.Error.Message != `field "count" must be an integer` {
			t.Errorf("message = %q", eb.Error.Message)
		}
	})
}

func TestRequestID(t *testing.T) {
	h := WithRequestID(testRouter(t))
	t.Run("well-formed id is echoed", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/widgets/gone", nil)
		req.Header.Set(RequestIDHeader, "client-req-0001")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var eb ErrorBody
		_ = json.Unmarshal(rec.Body.Bytes(), &eb)
		if rec.Header().Get(RequestIDHeader) != "client-req-0001" || eb.Error.RequestID != "client-req-0001" {
			t.Errorf("header %q body %q", rec.Header().Get(RequestIDHeader), eb.Error.RequestID)
		}
	})
	t.Run("malformed id is replaced", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/widgets/1", nil)
		req.Header.Set(RequestIDHeader, "<script>")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get(RequestIDHeader); len(got) != 32 {
			t.Errorf("request id = %q, want a generated 32-hex id", got)
		}
	})
}

func TestRouterRefusesDrift(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) error { return nil }
	tests := []struct {
		name     string
		fn       manifest.Function
		handlers map[string]HandlerFunc
		want     string
	}{
		{"declared route without handler", testFn, map[string]HandlerFunc{"GET /api/widgets/{id}": ok}, "has no handler"},
		{"handler without declaration", manifest.Function{Name: "x", Routes: testFn.Routes[:1]},
			map[string]HandlerFunc{"GET /api/widgets/{id}": ok, "GET /api/secret": ok}, "not declared"},
		{"schedule without invoke handler", manifest.Function{Name: "x", Schedule: &manifest.Schedule{Cron: "0 * * * *", TimeZone: "UTC"}},
			map[string]HandlerFunc{}, "POST /_invoke has no handler"},
		{"authorizer without invoke handler", manifest.Function{Name: "x", Authorizer: true},
			map[string]HandlerFunc{}, "POST /_invoke has no handler"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRouter(tt.fn, nil, tt.handlers)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
