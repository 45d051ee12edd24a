package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// sendAs is send with a bearer token ("" sends none) and extra headers.
func sendAs(t *testing.T, method, url, token string, body any, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, out
}

// login signs in through the gateway and returns the access token.
func login(t *testing.T, base, email, password string) string {
	t.Helper()
	status, _, raw := sendAs(t, "POST", base+"/api/auth/login", "", map[string]string{"email": email, "password": password}, nil)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(raw, &tok); status != http.StatusOK || err != nil || tok.AccessToken == "" {
		t.Fatalf("login %s = %d %s", email, status, raw)
	}
	return tok.AccessToken
}

// secondCustomer registers a shopper through the gateway, verifies the address with the token the
// verification mail carries (which gives the account its customer profile) and returns its token.
func secondCustomer(t *testing.T, st *stacktest.Stack) string {
	t.Helper()
	const email, password = "second.pilot@example.com", "a long passphrase"
	if status, _, raw := sendAs(t, "POST", st.URL+"/api/auth/register", "",
		map[string]string{"email": email, "password": password, "name": "Second Pilot"}, nil); status != http.StatusAccepted {
		t.Fatalf("register = %d %s", status, raw)
	}
	token := login(t, st.URL, email, password)
	var link string
	for deadline := time.Now().Add(15 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(st.DataDir, "mail", "*.eml"))
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil || !strings.Contains(string(raw), "To: <"+email+">") {
				continue
			}
			if _, rest, ok := strings.Cut(string(raw), "?token="); ok {
				link = rest[:strings.IndexAny(rest, "\r\n")]
			}
		}
	}
	if link == "" {
		t.Fatalf("no verification mail to %s", email)
	}
	if status, _, raw := sendAs(t, "POST", st.URL+"/api/auth/verify", token, map[string]string{"token": link}, nil); status != http.StatusOK {
		t.Fatalf("verify = %d %s", status, raw)
	}
	return token
}

// TestSignedInSessionsThroughTheGateway: the assistant's routes declare auth: optional, so the local
// gateway authenticates a caller who sends a token and forwards the principal. A signed-in shopper's
// session is theirs alone (anonymous callers and another customer get 404), an anonymous session is
// reached by its id alone, and a token the authorizer refuses is 401, not an anonymous call.
func TestSignedInSessionsThroughTheGateway(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	jordan := login(t, st.URL, "jordan.blake@example.com", seed.ShopperPassword)
	other := secondCustomer(t, st)
	chat := func(token string) string {
		t.Helper()
		status, _, raw := sendAs(t, "POST", st.URL+"/api/assistant/chat", token,
			map[string]string{"message": "Which thermal camera do you have for roof inspection?"}, nil)
		var a chatAnswer
		if err := json.Unmarshal(raw, &a); status != http.StatusOK || err != nil || a.SessionID == "" {
			t.Fatalf("chat = %d %s", status, raw)
		}
		return a.SessionID
	}
	get := func(session, token string, header map[string]string) int {
		t.Helper()
		status, _, _ := sendAs(t, "GET", st.URL+"/api/assistant/sessions/"+session, token, nil, header)
		return status
	}

	bound := chat(jordan)
	// A client-sent principal header is never believed: it cannot claim the session, and it does not
	// replace the one the gateway sets from the token.
	forged := map[string]string{"X-Octo-Principal": "user:4", "X-Octo-Scopes": "customer"}
	for _, tc := range []struct {
		name, token string
		header      map[string]string
		want        int
	}{
		{"owner_reads_it", jordan, nil, http.StatusOK},
		{"anonymous_gets_404", "", nil, http.StatusNotFound},
		{"anonymous_with_forged_principal_gets_404", "", forged, http.StatusNotFound},
		{"another_customer_gets_404", other, nil, http.StatusNotFound},
		{"another_customer_with_forged_principal_gets_404", other, forged, http.StatusNotFound},
	} {
		t.Run("signed_in_session/"+tc.name, func(t *testing.T) {
			if got := get(bound, tc.token, tc.header); got != tc.want {
				t.Fatalf("GET = %d, want %d", got, tc.want)
			}
		})
	}
	t.Run("another_customer_cannot_continue_it", func(t *testing.T) {
		status, _, raw := sendAs(t, "POST", st.URL+"/api/assistant/chat", other,
			map[string]string{"message": "And a spare battery?", "session_id": bound}, nil)
		if status != http.StatusNotFound {
			t.Fatalf("chat in another's session = %d %s, want 404", status, raw)
		}
	})

	anonymous := chat("")
	t.Run("anonymous_session_is_reached_by_its_id", func(t *testing.T) {
		for _, token := range []string{"", jordan, other} {
			if got := get(anonymous, token, nil); got != http.StatusOK {
				t.Fatalf("GET anonymous session with token %t = %d, want 200", token != "", got)
			}
		}
	})

	t.Run("bad_token_is_401", func(t *testing.T) {
		bad := jordan[:len(jordan)-4] + "AAAA"
		for _, tc := range []struct{ method, path string }{
			{"POST", "/api/assistant/chat"}, {"GET", "/api/assistant/sessions/" + anonymous},
		} {
			var body any
			if tc.method == "POST" {
				body = map[string]string{"message": "Which thermal camera do you have?"}
			}
			status, header, raw := sendAs(t, tc.method, st.URL+tc.path, bad, body, nil)
			if status != http.StatusUnauthorized || !strings.HasPrefix(header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("%s %s with a bad token = %d (WWW-Authenticate %q) %s, want 401 with a Bearer challenge",
					tc.method, tc.path, status, header.Get("WWW-Authenticate"), raw)
			}
		}
	})
}
