package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

type chatAnswer struct {
	SessionID string `json:"session_id"`
	Reply     string `json:"reply"`
	Products  []struct {
		SKU string `json:"sku"`
	} `json:"products"`
	Provider string `json:"provider"`
	Refused  bool   `json:"refused"`
}

func send(t *testing.T, method, url string, body any) (int, []byte) {
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
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, out
}

func TestThreeTurnConversationThroughTheGateway(t *testing.T) {
	st := stacktest.Start(t, stacktest.Options{})
	turns := []struct{ message, want string }{
		{"I inspect solar farms. Which camera finds hot spots on the panels?", "PLD-TH640-RAD"},
		{"Which drone can carry it for roof and power line inspections?", "DRN-H6-INS"},
		{"And a spare battery for that drone?", "BAT-H6-16K"},
	}
	session := ""
	for i, turn := range turns {
		body := map[string]string{"message": turn.message}
		if session != "" {
			body["session_id"] = session
		}
		status, raw := send(t, "POST", st.URL+"/api/assistant/chat", body)
		if status != http.StatusOK {
			t.Fatalf("turn %d = %d %s", i+1, status, raw)
		}
		var a chatAnswer
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		if a.Provider != "local" || a.Refused || len(a.Products) == 0 || !strings.Contains(a.Reply, turn.want) {
			t.Fatalf("turn %d: %s", i+1, raw)
		}
		if a.Products[0].SKU != turn.want || (session != "" && a.SessionID != session) {
			t.Fatalf("turn %d: %s", i+1, raw)
		}
		session = a.SessionID
	}
	status, raw := send(t, "GET", st.URL+"/api/assistant/sessions/"+session, nil)
	if status != http.StatusOK {
		t.Fatalf("GET session = %d %s", status, raw)
	}
	var s struct {
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Messages) != 6 || s.Messages[4].Content != turns[2].message || s.Messages[5].Role != "assistant" {
		t.Fatalf("session %s", raw)
	}
	if status, _ := send(t, "GET", st.URL+"/api/assistant/sessions/00000000000000000000000000000000", nil); status != http.StatusNotFound {
		t.Fatalf("unknown session = %d", status)
	}
}
