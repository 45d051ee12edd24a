package serve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunPlainHTTPServesAndShutsDownGracefully(t *testing.T) {
	port := freePort(t)
	env := map[string]string{"PORT": port, "OCTO_HTTP_HOST": "127.0.0.1"}
	started := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := ResponseBudgetFrom(r.Context()); ok {
			http.Error(w, "plain HTTP streams: no response budget", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "hello "+r.RemoteAddr)
	})
	mux.HandleFunc("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-time.After(300 * time.Millisecond):
			_, _ = io.WriteString(w, "slow done")
		case <-r.Context().Done():
			http.Error(w, "context ended: "+r.Context().Err().Error(), http.StatusServiceUnavailable)
		}
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() {
		ran <- Run(ctx, mux, Options{
			Getenv: func(k string) string { return env[k] },
			Logger: slog.New(slog.DiscardHandler),
		})
	}()
	base := "http://127.0.0.1:" + port
	waitFor(t, 5*time.Second, "server on "+base, func() bool {
		resp, err := http.Get(base + "/hello")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	status, body := get(t, base+"/hello")
	if status != http.StatusOK || !strings.HasPrefix(body, "hello 127.0.0.1:") {
		t.Errorf("GET /hello = %d %q, want 200 with the client address", status, body)
	}
	status, body = get(t, base+"/panic")
	if status != http.StatusInternalServerError || !strings.Contains(body, `"code":"internal"`) {
		t.Errorf("GET /panic = %d %q, want the 500 error body", status, body)
	}

	type result struct {
		status int
		body   string
		err    error
	}
	slow := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		slow <- result{resp.StatusCode, string(b), err}
	}()
	<-started
	cancel()

	r := <-slow
	if r.err != nil || r.status != http.StatusOK || r.body != "slow done" {
		t.Errorf("in-flight request = %d %q (err %v), want 200 \"slow done\"", r.status, r.body, r.err)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
	if _, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second); err == nil {
		t.Error("listener still accepting after Run returned")
	}
}

func TestRunPlainHTTPListenFailureIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	env := map[string]string{"PORT": port, "OCTO_HTTP_HOST": "127.0.0.1"}
	err = Run(context.Background(), http.NotFoundHandler(), Options{
		Getenv: func(k string) string { return env[k] },
		Logger: slog.New(slog.DiscardHandler),
	})
	var opErr *net.OpError
	if !errors.As(err, &opErr) || !strings.Contains(err.Error(), "serve: http listen") {
		t.Errorf("Run on a taken port = %v, want a wrapped listen error", err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}
