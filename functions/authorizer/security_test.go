package authorizer_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/octo-drone-shop/serverless/shared/security"
)

// TestInvalidTokensAreSecurityEvents runs the authorizer behind the security middleware without a
// database, as package boot does: a tampered token is an invalid_token event in the log (and on the
// span), a valid one is not, and the token never appears in it.
func TestInvalidTokensAreSecurityEvents(t *testing.T) {
	f := newFixture(t)
	var logs bytes.Buffer
	h := security.New(security.Config{}, nil, nil, slog.New(slog.NewJSONHandler(&logs, nil))).Middleware(f.handler)
	valid := sign(t, jose.EdDSA, f.localPriv, f.local.ID(), "at+jwt", claims(nil))
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + b64(claims(map[string]any{"scope": "admin"})) + "." + parts[2]
	invoke := func(token string) {
		r := httptest.NewRequest(http.MethodPost, "/_invoke", strings.NewReader(userDefined(token)))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	invoke(valid)
	if strings.Contains(logs.String(), "security event") {
		t.Fatalf("a valid token was recorded: %s", logs.String())
	}
	invoke(tampered)
	line := logs.String()
	if !strings.Contains(line, `"msg":"security event"`) || !strings.Contains(line, `invalid_token`) {
		t.Fatalf("no invalid_token event in the log: %s", line)
	}
	if strings.Contains(line, parts[2]) {
		t.Fatal("the token's signature was logged")
	}
}
