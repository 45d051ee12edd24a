package assistantchat

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/ocitest"
)

// fakePrincipal installs a resource principal as OCI Functions provides it: a fresh RSA key and an
// unsigned RPST JWT (with exp and res_tenant, which the SDK requires), announced through the
// OCI_RESOURCE_PRINCIPAL_* variables. It returns the RPST, the key id of every signed request.
func fakePrincipal(t *testing.T) string {
	t.Helper()
	return ocitest.NewPrincipal(t, "us-chicago-1", nil).RPST
}

// fakeGenAI is the chat endpoint of OCI Generative AI: it records each request's body and answers
// with what answer returns (status and body), after delay.
type fakeGenAI struct {
	rpst   string
	answer func(body map[string]any) (int, string)
	delay  time.Duration

	mu     sync.Mutex
	bodies []map[string]any
	raw    [][]byte
	bad    []string
}

func (g *fakeGenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	g.mu.Lock()
	g.bodies, g.raw = append(g.bodies, body), append(g.raw, raw)
	if r.Method != http.MethodPost || r.URL.Path != "/20231130/actions/chat" {
		g.bad = append(g.bad, r.Method+" "+r.URL.Path)
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, `keyId="ST$`+g.rpst+`"`) || !strings.Contains(auth, `signature="`) {
		g.bad = append(g.bad, "not signed with the resource principal: "+auth)
	}
	g.mu.Unlock()
	if g.delay > 0 {
		select {
		case <-r.Context().Done():
			return
		case <-time.After(g.delay):
		}
	}
	status, out := g.answer(body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, out)
}

func (g *fakeGenAI) requests() []map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]map[string]any(nil), g.bodies...)
}

// startGenAI starts the fake and returns a GenAI client built the production way (resource
// principal, NewGenAI) and pointed at it.
func startGenAI(t *testing.T, format string, g *fakeGenAI) *GenAI {
	t.Helper()
	g.rpst = fakePrincipal(t)
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.bad) > 0 {
			t.Errorf("fake GenAI refused requests: %v", g.bad)
		}
	})
	m, err := NewGenAI(GenAIConfig{ModelID: "cohere.command-r-plus-08-2024", CompartmentID: "ocid1.compartment.oc1..test",
		Endpoint: srv.URL, APIFormat: format, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func cohereAnswer(text string, prompt, completion int) string {
	b, _ := json.Marshal(map[string]any{
		"modelId": "cohere.command-r-plus-08-2024", "modelVersion": "1.0",
		"chatResponse": map[string]any{"apiFormat": "COHERE", "text": text, "finishReason": "COMPLETE",
			"usage": map[string]any{"promptTokens": prompt, "completionTokens": completion, "totalTokens": prompt + completion}},
	})
	return string(b)
}

func genericAnswer(text string, prompt, completion int) string {
	b, _ := json.Marshal(map[string]any{
		"modelId": "meta.llama-3.3-70b-instruct", "modelVersion": "1.0",
		"chatResponse": map[string]any{"apiFormat": "GENERIC", "timeCreated": "2026-12-04T10:00:00.000Z",
			"choices": []any{map[string]any{"index": 0, "finishReason": "stop",
				"message": map[string]any{"role": "ASSISTANT", "content": []any{map[string]any{"type": "TEXT", "text": text}}}}},
			"usage": map[string]any{"promptTokens": prompt, "completionTokens": completion, "totalTokens": prompt + completion}},
	})
	return string(b)
}
