package checkout

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/web"
)

// startProcesses builds the checkout binary and starts n processes of it serving plain HTTP on the
// database file at dbPath; it returns their base URLs. Readiness is the "serve: listening" log line
// each process writes with its bound address.
func startProcesses(t *testing.T, dbPath string, n int) []string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "checkout")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/checkout").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	urls := make([]string, n)
	for i := range n {
		ctx, cancel := context.WithCancel(context.Background())
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(os.Environ(), "OCTO_DB_DRIVER=sqlite", "OCTO_DB_DSN="+dbPath, "PORT=0", "OCTO_HTTP_HOST=127.0.0.1",
			"OTEL_SDK_DISABLED=true")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); _ = cmd.Wait() })
		addr := make(chan string, 1)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				var line struct{ Msg, Addr string }
				if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serve: listening" {
					addr <- line.Addr
					break
				}
			}
			close(addr)
			_, _ = io.Copy(io.Discard, stderr)
		}()
		select {
		case a, ok := <-addr:
			if !ok {
				t.Fatalf("process %d exited before listening", i)
			}
			urls[i] = "http://" + a
		case <-time.After(30 * time.Second):
			t.Fatalf("process %d did not listen within 30 s", i)
		}
	}
	return urls
}

// TestProcessesNeverOversell runs the oversell race across four checkout processes sharing one
// database file: the write lock, not an in-process mutex or pool, decides.
func TestProcessesNeverOversell(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the checkout binary")
	}
	f := newFixture(t)
	f.db.RequireSQLite(t)
	urls := startProcesses(t, f.db.Path, 4)
	p := f.product(t, "T-PROC", 10000, 7)
	f.db.Exec(t, `INSERT INTO coupons (code, discount_percent, max_uses) VALUES ('PROC3', 10, 3)`)
	carts := make([]string, 40)
	for i := range carts {
		carts[i] = f.cart(t, map[int64]int64{p: 1})
	}
	client := &http.Client{Timeout: time.Minute}
	answers := race(len(carts), func(i int) answer {
		coupon := ""
		if i%2 == 0 {
			coupon = "PROC3"
		}
		req, err := http.NewRequest("POST", urls[i%len(urls)]+"/api/checkout",
			strings.NewReader(body(carts[i], fmt.Sprintf("proc%d@example.com", i), coupon)))
		if err != nil {
			t.Error(err)
			return answer{}
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(IdempotencyKeyHeader, fmt.Sprintf("process-key-%02d", i))
		resp, err := client.Do(req)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		defer resp.Body.Close()
		var e web.ErrorBody
		if resp.StatusCode != http.StatusCreated {
			if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
				t.Errorf("%d without the JSON error body: %v", resp.StatusCode, err)
			}
		}
		return answer{status: resp.StatusCode, err: e.Error}
	})
	byOutcome := map[string]int{}
	for _, a := range answers {
		byOutcome[fmt.Sprintf("%d %s", a.status, a.err.Code)]++
	}
	ok := byOutcome["201 "]
	if ok != 7 || ok+byOutcome["409 out_of_stock"]+byOutcome["422 coupon_exhausted"] != 40 {
		t.Fatalf("outcomes = %v, want 7 x 201 and the rest 409 out_of_stock or 422 coupon_exhausted", byOutcome)
	}
	if stock := f.db.Int(t, `SELECT stock FROM products WHERE id = :1`, p); stock != 0 {
		t.Fatalf("stock ends at %d, want 0", stock)
	}
	used := f.db.Int(t, `SELECT used_count FROM coupons WHERE code = 'PROC3'`)
	withCoupon := f.db.Int(t, `SELECT COUNT(*) FROM orders WHERE coupon_code = 'PROC3'`)
	if used > 3 || used != withCoupon {
		t.Fatalf("coupon used %d times by %d orders, want at most 3 and equal", used, withCoupon)
	}
}
