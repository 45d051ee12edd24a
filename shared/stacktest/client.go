package stacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Answer is one response of the gateway, read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   string
}

// Decode unmarshals the answer's JSON body into v, failing the test when it is not JSON of v's shape.
func (a Answer) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.Body), v); err != nil {
		t.Fatalf("decode %d %s: %v", a.Status, a.Body, err)
	}
}

// Do sends method path to the stack's gateway as a web client would: bearer (when not empty) as the
// Authorization token, body (when not nil) as JSON, and header as name, value pairs.
func (s *Stack) Do(t testing.TB, method, path, bearer string, body any, header ...string) Answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Answer{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

// Login signs in through the auth function with a seeded account's email and password and returns
// the access token, failing the test otherwise.
func (s *Stack) Login(t testing.TB, email, password string) string {
	t.Helper()
	a := s.Do(t, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": password})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	a.Decode(t, &tok)
	if a.Status != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("login %s: %d %s", email, a.Status, a.Body)
	}
	return tok.AccessToken
}
