package dbtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Served is what a function's handler answered to one request, and how many statements it ran.
type Served struct {
	Status     int
	Header     http.Header
	Body       []byte
	Statements int
}

// Serve sends one request to h (a JSON body when body is not empty, plus headers) and counts the
// statements it runs through package db.
func Serve(h http.Handler, method, target, body string, headers map[string]string) Served {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	ctx := db.WithStats(req.Context())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req.WithContext(ctx))
	return Served{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes(), Statements: db.StatsFrom(ctx).Statements}
}

// Decode unmarshals a JSON answer into out, failing the test when it is not JSON of that shape.
func Decode(t testing.TB, body []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// ErrorCode returns the code of a JSON error body, failing the test when the body is not one.
func ErrorCode(t testing.TB, body []byte) string {
	t.Helper()
	var e web.ErrorBody
	Decode(t, body, &e)
	if e.Error.Code == "" {
		t.Fatalf("not an error body: %s", body)
	}
	return e.Error.Code
}
