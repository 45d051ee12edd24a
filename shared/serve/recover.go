package serve

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// maxRequestIDLen caps the client-supplied request id echoed in the panic response.
const maxRequestIDLen = 128

// Recover answers a panic in h with a 500 and the error body
// {"error":{"code":"internal","message":"internal error","request_id":"..."}}, logs the panic value
// and stack on logger, and lets the process carry on. The request id is the request's X-Request-Id,
// else the X-Request-Id the handler already set on the response.
//
// When h had already started its response, the status can no longer change: Recover then aborts the
// response with http.ErrAbortHandler, so the client sees a failed call rather than a truncated
// success (net/http drops the connection; the Lambda adapter reports an invocation error). A panic
// with http.ErrAbortHandler itself passes through unlogged. Run applies Recover on every runtime.
func Recover(logger *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &startedWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			// The id the request middleware assigned and echoes, else the one the client sent.
			requestID := w.Header().Get("X-Request-Id")
			if requestID == "" {
				requestID = r.Header.Get("X-Request-Id")
			}
			if len(requestID) > maxRequestIDLen {
				requestID = requestID[:maxRequestIDLen]
			}
			logger.ErrorContext(r.Context(), "serve: handler panic",
				slog.Any("panic", v),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("request_id", requestID),
				slog.Bool("response_started", sw.started),
				slog.String("stack", string(debug.Stack())))
			if sw.started {
				panic(http.ErrAbortHandler)
			}
			writeInternalError(w, requestID)
		}()
		h.ServeHTTP(sw, r)
	})
}

// writeInternalError replaces whatever headers the handler set with a JSON 500 carrying no detail
// of the failure.
func writeInternalError(w http.ResponseWriter, requestID string) {
	type errorDetail struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	}
	hdr := w.Header()
	for k := range hdr {
		delete(hdr, k)
	}
	hdr.Set("Content-Type", "application/json")
	hdr.Set("X-Content-Type-Options", "nosniff")
	if requestID != "" {
		hdr.Set("X-Request-Id", requestID)
	}
	w.WriteHeader(http.StatusInternalServerError)
	// Encoding three strings cannot fail; a write error means the client is gone.
	_ = json.NewEncoder(w).Encode(struct {
		Error errorDetail `json:"error"`
	}{errorDetail{Code: "internal", Message: "internal error", RequestID: requestID}})
}

// startedWriter records whether the wrapped handler has begun its response.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (w *startedWriter) WriteHeader(code int) {
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.started = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *startedWriter) Write(p []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines).
func (w *startedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
