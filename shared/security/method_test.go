package security_test

import (
	"net/http"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/security"
)

// TestLongMethodIsCutToItsColumn: scanners send long made-up methods; http_method is VARCHAR2(10),
// so the event is stored with the method cut to 10 bytes instead of being lost to ORA-12899 (the
// twin's byte check fails the same way).
func TestLongMethodIsCutToItsColumn(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	const ip = "203.0.113.90"
	res := s.call(t, "VERYLONGSCANNERMETHOD", "/api/widgets/..%2F..%2Fetc%2Fpasswd", ip, "", nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("%d %s, want 400", res.status, res.body)
	}
	rows := s.rows(t, ip)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want the event recorded", len(rows))
	}
	if rows[0].method != "VERYLONGSC" {
		t.Errorf("http_method = %q, want the first 10 bytes", rows[0].method)
	}
}
