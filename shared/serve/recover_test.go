package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRecover(t *testing.T) {
	tests := []struct {
		name          string
		handler       http.HandlerFunc
		requestID     string
		wantStatus    int
		wantRequestID string
		wantLogged    bool
	}{
		{
			name:       "no panic leaves the response alone",
			handler:    func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) },
			wantStatus: http.StatusTeapot,
		},
		{
			name:          "panic answers 500 with the request's X-Request-Id",
			handler:       func(http.ResponseWriter, *http.Request) { panic("boom") },
			requestID:     "req-7",
			wantStatus:    http.StatusInternalServerError,
			wantRequestID: "req-7",
			wantLogged:    true,
		},
		{
			name: "panic answers 500 with the X-Request-Id the handler had set",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Request-Id", "generated-1")
				w.Header().Set("Content-Type", "text/plain")
				panic(errors.New("boom"))
			},
			wantStatus:    http.StatusInternalServerError,
			wantRequestID: "generated-1",
			wantLogged:    true,
		},
		{
			name: "panic answers 500 with the id the middleware assigned, not the malformed one sent",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("X-Request-Id", "assigned-0001")
				panic("boom")
			},
			requestID:     "<bad id>",
			wantStatus:    http.StatusInternalServerError,
			wantRequestID: "assigned-0001",
			wantLogged:    true,
		},
		{
			name:          "over-long request id is cut",
			handler:       func(http.ResponseWriter, *http.Request) { panic("boom") },
			requestID:     strings.Repeat("x", 300),
			wantStatus:    http.StatusInternalServerError,
			wantRequestID: strings.Repeat("x", maxRequestIDLen),
			wantLogged:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := Recover(slog.New(slog.NewJSONHandler(&logs, nil)), tt.handler)
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tt.requestID != "" {
				r.Header.Set("X-Request-Id", tt.requestID)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)

			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if logged := strings.Contains(logs.String(), `"stack":"goroutine`); logged != tt.wantLogged {
				t.Errorf("panic with stack logged = %v, want %v: %s", logged, tt.wantLogged, logs.String())
			}
			if tt.wantStatus != http.StatusInternalServerError {
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			var body struct {
				Error struct {
					Code      string `json:"code"`
					Message   string `json:"message"`
					RequestID string `json:"request_id"`
				} `json:"error"`
			}
			dec := json.NewDecoder(w.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&body); err != nil {
				t.Fatalf("decode error body: %v", err)
			}
			if body.Error.Code != "internal" || body.Error.Message != "internal error" || body.Error.RequestID != tt.wantRequestID {
				t.Errorf("error body = %+v, want internal / internal error / %q", body.Error, tt.wantRequestID)
			}
		})
	}
}

func TestRecoverAbortsAResponseAlreadyStarted(t *testing.T) {
	var logs bytes.Buffer
	h := Recover(slog.New(slog.NewJSONHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "partial")
		panic("boom")
	}))
	defer func() {
		v := recover()
		if err, ok := v.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
		if !strings.Contains(logs.String(), `"response_started":true`) {
			t.Errorf("panic not logged as after the response started: %s", logs.String())
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestRecoverPassesErrAbortHandlerThroughUnlogged(t *testing.T) {
	var logs bytes.Buffer
	h := Recover(slog.New(slog.NewJSONHandler(&logs, nil)), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
		if logs.Len() != 0 {
			t.Errorf("logged %s, want nothing", logs.String())
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}
