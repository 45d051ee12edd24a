package loadgen

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestSummarizeIsNearestRank(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100-i) * time.Millisecond
	}
	if got := Summarize(ds); got.N != 100 || got.P50 != 51 || got.P99 != 99 {
		t.Fatalf("Summarize = %+v, want n 100, p50 51 ms, p99 99 ms", got)
	}
	if got := Summarize(nil); got != (Latency{}) {
		t.Fatalf("Summarize(nil) = %+v", got)
	}
}

func TestDistinctClientsUseANewAddressPerRequest(t *testing.T) {
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		seen[host] = true
	}))
	defer srv.Close()
	c := DistinctClients(3, 5*time.Second)
	for range 3 {
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(seen) != 3 || !seen["127.3.0.1"] {
		t.Fatalf("client addresses = %v, want three distinct ones from 127.3.0.1", seen)
	}
}
