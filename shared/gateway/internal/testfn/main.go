// Command testfn is the function binary the gateway's tests run: it speaks the OCI Functions
// http-stream protocol through fdk-go directly, so the tests depend on no other package of the
// bundle. One binary plays every test function; TESTFN_DIR (passed through the gateway's
// environment) is where it leaves evidence for the tests.
//
//	GET|POST /api/echo   answers what it received: method, URL, headers, call id, deadline, env, body
//	GET      /api/maybe  the same echo, on a public route with auth: optional
//	GET      /api/block  records its start, then waits until the file TESTFN_DIR/release exists
//	GET      /api/hang   never answers (for deadline tests)
//	POST     /api/crash  exits the process mid-call
//	GET      /api/trace  answers with a traceparent of its own
//	plain invocation     authorizer when the input is {"type":"USER_DEFINED",...}; otherwise records
//	                     the body in TESTFN_DIR/invoked-<FN_FN_NAME> (scheduler)
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	fdk "github.com/fnproject/fdk-go"
)

func main() {
	fdk.Handle(fdk.HTTPHandler(handler()))
}

// Echo is the answer of /api/echo.
type Echo struct {
	PID      int               `json:"pid"`
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Header   http.Header       `json:"header"`
	CallID   string            `json:"call_id"`
	Deadline string            `json:"deadline"`
	Env      map[string]string `json:"env"`
	Body     string            `json:"body"`
}

func handler() http.Handler {
	dir := os.Getenv("TESTFN_DIR")
	mux := http.NewServeMux()
	echo := func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e := Echo{PID: os.Getpid(), Method: r.Method, URL: r.URL.String(), Header: r.Header,
			CallID: fdk.GetContext(r.Context()).CallID(), Body: string(body), Env: map[string]string{}}
		if d, ok := r.Context().Deadline(); ok {
			e.Deadline = d.UTC().Format(time.RFC3339Nano)
		}
		for _, k := range []string{"FN_APP_NAME", "FN_FN_NAME", "FN_MEMORY", "FN_TYPE", "FN_FORMAT", "FN_LISTENER",
			"OCTO_DB_DRIVER", "OCTO_DB_DSN", "TESTFN_CONFIG", "TESTFN_DIR", "PORT"} {
			e.Env[k] = os.Getenv(k)
		}
		w.Header().Set("X-Echo-Out", "from-function")
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusOK
		if s, err := strconv.Atoi(r.URL.Query().Get("status")); err == nil {
			status = s
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(e)
	}
	for _, p := range []string{"/api/echo", "/v1/api/echo", "/api/private", "/api/staff", "/api/limited", "/api/maybe"} {
		mux.HandleFunc(p, echo)
	}
	mux.HandleFunc("GET /api/block", func(w http.ResponseWriter, r *http.Request) {
		mark := filepath.Join(dir, fmt.Sprintf("started-%d-%d", os.Getpid(), time.Now().UnixNano()))
		_ = os.WriteFile(mark, nil, 0o600)
		for {
			if _, err := os.Stat(filepath.Join(dir, "release")); err == nil {
				break
			}
			select {
			case <-r.Context().Done():
				http.Error(w, "deadline", http.StatusGatewayTimeout)
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
		fmt.Fprint(w, os.Getpid())
	})
	mux.HandleFunc("GET /api/hang", func(http.ResponseWriter, *http.Request) { select {} })
	mux.HandleFunc("POST /api/crash", func(http.ResponseWriter, *http.Request) { os.Exit(3) })
	mux.HandleFunc("GET /api/trace", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
		fmt.Fprint(w, "traced")
	})
	mux.HandleFunc("/invoke", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if bytes.Contains(body, []byte(`"USER_DEFINED"`)) {
			_ = os.WriteFile(filepath.Join(dir, "authorizer-input"), body, 0o600)
			authorize(w, r, body)
			return
		}
		_ = os.WriteFile(filepath.Join(dir, "invoked-"+os.Getenv("FN_FN_NAME")), body, 0o600)
		fmt.Fprint(w, "ok")
	})
	return mux
}

// authorize plays an API Gateway custom authorizer. Tokens: "Bearer staff", "Bearer admin",
// "Bearer customer" are active; "Bearer garbage" answers non-JSON; anything else is inactive. An
// input that is not exactly the USER_DEFINED contract, or that arrives as an HTTP invocation, is
// refused, so a gateway calling it the wrong way cannot pass.
func authorize(w http.ResponseWriter, r *http.Request, body []byte) {
	var in struct {
		Type string            `json:"type"`
		Data map[string]string `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	_, httpIntent := fdk.GetContext(r.Context()).(fdk.HTTPContext)
	if err := dec.Decode(&in); err != nil || in.Type != "USER_DEFINED" || len(in.Data) != 1 || httpIntent {
		_ = json.NewEncoder(w).Encode(map[string]any{"active": false, "wwwAuthenticate": `Bearer error="bad_contract"`})
		return
	}
	token, _ := strings.CutPrefix(in.Data["token"], "Bearer ")
	scopes := map[string][]string{"staff": {"staff"}, "admin": {"staff", "admin"}, "customer": {"customer"}}[token]
	switch {
	case token == "garbage":
		fmt.Fprint(w, "not json")
	case scopes == nil:
		_ = json.NewEncoder(w).Encode(map[string]any{"active": false, "wwwAuthenticate": `Bearer error="invalid_token"`})
	default:
		sub := "user-" + token
		_ = json.NewEncoder(w).Encode(map[string]any{"active": true, "principal": sub, "scope": scopes,
			"expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			"context":   map[string]string{"sub": sub, "scope": strings.Join(scopes, " ")}})
	}
}
