// Command echofn is the function the serve tests build and drive under each real runtime protocol
// (OCI http-stream over a unix socket, the AWS Lambda Runtime Interface Emulator). It answers with
// what it received, so the tests can compare both sides of the adapter:
//
//   - POST /_invoke (serve.InvokePath): the non-HTTP invocation route, echoes with route "invoke".
//   - /panic: panics.
//   - /sleep?ms=N: writes "echofn: sleep started" to stderr, waits N ms or until the request
//     context ends, echoes with ctx_err.
//   - /binary: answers the bytes 0..255 as application/octet-stream.
//   - anything else: echoes, answering ?status=N (default 200) with two X-Echo values and two cookies.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/serve"
)

// sleepStarted tells a test watching stderr that a /sleep call is in the handler.
const sleepStarted = "echofn: sleep started"

// echo is the response body: the request as the handler saw it.
type echo struct {
	Route         string              `json:"route"`
	Method        string              `json:"method"`
	Path          string              `json:"path"`
	RawQuery      string              `json:"raw_query"`
	RequestURI    string              `json:"request_uri"`
	Host          string              `json:"host"`
	RemoteAddr    string              `json:"remote_addr"`
	Headers       map[string][]string `json:"headers"`
	Body          string              `json:"body"`
	ContentLength int64               `json:"content_length"`
	Deadline      string              `json:"deadline"`
	Budget        int                 `json:"response_budget"` // serve.ResponseBudget's Limit; 0 for none
	CtxErr        string              `json:"ctx_err"`
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := serve.Run(context.Background(), newHandler(), serve.Options{Logger: logger}); err != nil {
		logger.Error("echofn stopped", slog.Any("error", err))
		os.Exit(1)
	}
}

func newHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+serve.InvokePath, func(w http.ResponseWriter, r *http.Request) {
		reply(w, r, "invoke", http.StatusOK)
	})
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) {
		panic("echofn: panic requested")
	})
	mux.HandleFunc("/sleep", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil {
			http.Error(w, "ms: want an integer", http.StatusBadRequest)
			return
		}
		fmt.Fprintln(os.Stderr, sleepStarted)
		t := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		reply(w, r, "sleep", http.StatusOK)
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, _ *http.Request) {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		status := http.StatusOK
		if s := r.URL.Query().Get("status"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				http.Error(w, "status: want an integer", http.StatusBadRequest)
				return
			}
			status = n
		}
		w.Header().Add("X-Echo", "one")
		w.Header().Add("X-Echo", "two")
		w.Header().Add("Set-Cookie", "a=1; Path=/")
		w.Header().Add("Set-Cookie", "b=2; Path=/; HttpOnly")
		reply(w, r, "echo", status)
	})
	return mux
}

func reply(w http.ResponseWriter, r *http.Request, route string, status int) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	e := echo{
		Route:         route,
		Method:        r.Method,
		Path:          r.URL.Path,
		RawQuery:      r.URL.RawQuery,
		RequestURI:    r.RequestURI,
		Host:          r.Host,
		RemoteAddr:    r.RemoteAddr,
		Headers:       r.Header,
		Body:          string(body),
		ContentLength: r.ContentLength,
	}
	if d, ok := r.Context().Deadline(); ok {
		e.Deadline = d.Format(time.RFC3339Nano)
	}
	if b, ok := serve.ResponseBudgetFrom(r.Context()); ok {
		e.Budget = b.Limit
	}
	if err := r.Context().Err(); err != nil {
		e.CtxErr = err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}
