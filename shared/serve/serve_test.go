package serve

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDetectRuntime(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Runtime
		wantErr string
	}{
		{"empty environment serves plain HTTP", nil, RuntimeHTTP, ""},
		{"PORT alone serves plain HTTP", map[string]string{"PORT": "9000"}, RuntimeHTTP, ""},
		{"http-stream with a unix listener selects OCI Functions",
			map[string]string{"FN_FORMAT": "http-stream", "FN_LISTENER": "unix:/tmp/iofs/lsnr.sock"}, RuntimeOCI, ""},
		{"runtime API address selects AWS Lambda",
			map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, RuntimeLambda, ""},
		{"listener without format is rejected",
			map[string]string{"FN_LISTENER": "unix:/tmp/iofs/lsnr.sock"}, "", "FN_FORMAT"},
		{"legacy format is rejected",
			map[string]string{"FN_FORMAT": "json", "FN_LISTENER": "unix:/tmp/iofs/lsnr.sock"}, "", "want http-stream"},
		{"format without listener is rejected",
			map[string]string{"FN_FORMAT": "http-stream"}, "", "FN_LISTENER"},
		{"tcp listener is rejected",
			map[string]string{"FN_FORMAT": "http-stream", "FN_LISTENER": "tcp://127.0.0.1:9000"}, "", "want unix:"},
		{"both OCI and Lambda settings are rejected",
			map[string]string{"FN_FORMAT": "http-stream", "FN_LISTENER": "unix:/tmp/l.sock", "AWS_LAMBDA_RUNTIME_API": "x:1"}, "", "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectRuntime(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("DetectRuntime = %q, %v; want an error mentioning %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DetectRuntime = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestRunRefusesEnvironmentTheRuntimeLibraryCannotSee(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"OCI listener only in Options.Getenv",
			map[string]string{"FN_FORMAT": "http-stream", "FN_LISTENER": "unix:/nonexistent/lsnr.sock"}, "FN_FORMAT"},
		{"Lambda runtime API only in Options.Getenv",
			map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:1"}, "AWS_LAMBDA_RUNTIME_API"},
		{"misconfigured runtime fails before serving",
			map[string]string{"FN_FORMAT": "http-stream"}, "FN_LISTENER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"FN_FORMAT", "FN_LISTENER", "AWS_LAMBDA_RUNTIME_API"} {
				t.Setenv(k, "")
			}
			err := Run(context.Background(), http.NotFoundHandler(), Options{Getenv: func(k string) string { return tt.env[k] }})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Run = %v, want an error mentioning %s", err, tt.wantErr)
			}
		})
	}
}

// WatchSignals turns a real SIGTERM into cancellation once installed, and Stop is idempotent.
func TestWatchSignalsCancelsOnSIGTERM(t *testing.T) {
	s := WatchSignals(context.Background())
	defer s.Stop()
	<-s.installed
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not cancel")
	}
	s.Stop()
	s.Stop()
}

// Run listens without waiting for the signal handler, but no call starts before it is installed.
func TestCallsWaitForTheSignalHandler(t *testing.T) {
	s := &Signals{installed: make(chan struct{})}
	started := make(chan struct{})
	h := s.gate(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { close(started) }))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	select {
	case <-started:
		t.Fatal("the call started before the signal handler was installed")
	case <-time.After(50 * time.Millisecond):
	}
	close(s.installed)
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not start once the signal handler was installed")
	}
}

// A Run handed Signals started earlier serves until they fire, then shuts down and returns nil.
func TestRunStopsOnSignalsStartedBeforeIt(t *testing.T) {
	for _, k := range []string{"FN_FORMAT", "FN_LISTENER", "AWS_LAMBDA_RUNTIME_API"} {
		t.Setenv(k, "")
	}
	s := WatchSignals(context.Background())
	env := map[string]string{"PORT": "0", "OCTO_HTTP_HOST": "127.0.0.1"}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), http.NotFoundHandler(), Options{Getenv: func(k string) string { return env[k] }, Signals: s})
	}()
	<-s.installed
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v, want nil after SIGTERM", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after SIGTERM")
	}
}
