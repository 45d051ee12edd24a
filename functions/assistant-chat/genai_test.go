package assistantchat

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// get walks a decoded JSON value by object keys and array indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestCohereChatGroundsOnDocumentsSendsHistoryAndStoresUsage(t *testing.T) {
	replies := []string{"The OCTO Thermal 640R (PLD-TH640-RAD) finds hot spots.", "Pair it with the Inspector H6 (DRN-H6-INS)."}
	g := &fakeGenAI{}
	g.answer = func(map[string]any) (int, string) {
		n := len(g.requests())
		return http.StatusOK, cohereAnswer(replies[n-1], 812+n, 40+n)
	}
	f := newFixture(t, startGenAI(t, FormatCohere, g), localConfig())
	first := f.ask(t, "Which camera finds hot spots on solar panels?", "", nil)
	if first.Reply != replies[0] || first.Provider != ProviderGenAI || first.ModelID != "cohere.command-r-plus-08-2024" || first.Refused {
		t.Fatalf("first answer %+v", first)
	}
	second := f.ask(t, "Which drone carries it for roof inspections?", first.SessionID, nil)
	if second.Reply != replies[1] {
		t.Fatalf("second answer %+v", second)
	}

	reqs := g.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d model calls", len(reqs))
	}
	body := reqs[1]
	if get(body, "compartmentId") != "ocid1.compartment.oc1..test" || get(body, "servingMode", "servingType") != "ON_DEMAND" ||
		get(body, "servingMode", "modelId") != "cohere.command-r-plus-08-2024" {
		t.Fatalf("chat details %v", body)
	}
	chat := get(body, "chatRequest")
	if get(chat, "apiFormat") != "COHERE" || get(chat, "message") != "Which drone carries it for roof inspections?" ||
		get(chat, "maxTokens") != 500.0 || get(chat, "temperature") != 0.2 ||
		!strings.HasPrefix(get(chat, "preambleOverride").(string), systemPromptMarker) {
		t.Fatalf("cohere request %v", chat)
	}
	history, _ := get(chat, "chatHistory").([]any)
	if len(history) != 2 || get(history, 0, "role") != "USER" || get(history, 0, "message") != "Which camera finds hot spots on solar panels?" ||
		get(history, 1, "role") != "CHATBOT" || get(history, 1, "message") != replies[0] {
		t.Fatalf("chat history %v", history)
	}
	docs, _ := get(chat, "documents").([]any)
	var docSKUs []string
	for _, d := range docs {
		docSKUs = append(docSKUs, get(d, "sku").(string))
		if get(d, "title") == "" || !strings.HasPrefix(get(d, "price").(string), "$") {
			t.Fatalf("document %v", d)
		}
	}
	if !slices.Equal(docSKUs, skusOf(second)) || !slices.Contains(docSKUs, "DRN-H6-INS") {
		t.Fatalf("documents %v, answer cites %v", docSKUs, skusOf(second))
	}

	rows := f.messages(t, first.SessionID)
	reply := rows[3]
	if reply.provider != ProviderGenAI || reply.model != "cohere.command-r-plus-08-2024" || reply.promptTokens != 814 ||
		reply.completionTokens != 42 || reply.responseHash != sha256Hex([]byte(replies[1])) ||
		reply.promptHash != sha256Hex(g.raw[1]) || reply.content != replies[1] {
		t.Fatalf("stored reply %+v (request hash %s)", reply, sha256Hex(g.raw[1]))
	}
	if n := f.counter(t, MetricFallbacks, "", ""); n != 0 {
		t.Fatalf("%d fallbacks", n)
	}
	if in, out := f.histogramSum(t, MetricTokenUsage, string(attrTokenType), "input"), f.histogramSum(t, MetricTokenUsage, string(attrTokenType), "output"); in != 813+814 || out != 41+42 {
		t.Fatalf("token usage recorded: input %d, output %d", in, out)
	}
	var span bool
	for _, s := range f.spans.Ended() {
		if s.Name() != "chat cohere.command-r-plus-08-2024" {
			continue
		}
		span = true
		attrs := map[string]any{}
		for _, a := range s.Attributes() {
			attrs[string(a.Key)] = a.Value.AsInterface()
		}
		if attrs["gen_ai.operation.name"] != "chat" || attrs["gen_ai.request.max_tokens"] != int64(500) ||
			attrs["gen_ai.request.temperature"] != 0.2 || attrs["gen_ai.usage.input_tokens"] == nil ||
			attrs["octo.assistant.api_format"] != FormatCohere {
			t.Fatalf("span attributes %v", attrs)
		}
		if len(s.Events()) != 0 {
			t.Fatalf("content recorded without OCTO_ASSISTANT_TRACE_CONTENT: %v", s.Events())
		}
	}
	if !span {
		t.Fatal("no gen_ai chat span")
	}
	for _, s := range f.spans.Ended() {
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.String(), first.SessionID) {
				t.Fatalf("span %s carries the session id (a credential) in %s", s.Name(), a.Key)
			}
		}
	}
}

func TestGenericChatPutsProductsInTheSystemMessage(t *testing.T) {
	g := &fakeGenAI{}
	g.answer = func(map[string]any) (int, string) {
		return http.StatusOK, genericAnswer("The RTK Base Station B2 (CTL-RTK-B2).", 300, 12)
	}
	f := newFixture(t, startGenAI(t, FormatGeneric, g), localConfig())
	first := f.ask(t, "I need centimetre accurate GPS", "", nil)
	out := f.ask(t, "Does it work with the Surveyor?", first.SessionID, nil)
	if out.Provider != ProviderGenAI || out.Reply != "The RTK Base Station B2 (CTL-RTK-B2)." {
		t.Fatalf("answer %+v", out)
	}
	chat := get(g.requests()[1], "chatRequest")
	msgs, _ := get(chat, "messages").([]any)
	if get(chat, "apiFormat") != "GENERIC" || get(chat, "maxTokens") != 500.0 || get(chat, "temperature") != 0.2 ||
		get(chat, "documents") != nil || len(msgs) != 4 {
		t.Fatalf("generic request %v", chat)
	}
	system, _ := get(msgs, 0, "content", 0, "text").(string)
	if get(msgs, 0, "role") != "SYSTEM" || !strings.HasPrefix(system, systemPromptMarker) {
		t.Fatalf("system message %v", get(msgs, 0))
	}
	for _, p := range out.Products {
		if !strings.Contains(system, p.SKU) {
			t.Fatalf("system message lacks %s: %s", p.SKU, system)
		}
	}
	if get(msgs, 1, "role") != "USER" || get(msgs, 1, "content", 0, "text") != "I need centimetre accurate GPS" ||
		get(msgs, 2, "role") != "ASSISTANT" || get(msgs, 3, "role") != "USER" ||
		get(msgs, 3, "content", 0, "text") != "Does it work with the Surveyor?" {
		t.Fatalf("messages %v", msgs)
	}
	rows := f.messages(t, out.SessionID)
	if rows[3].promptTokens != 300 || rows[3].completionTokens != 12 {
		t.Fatalf("stored %+v", rows[3])
	}
}

func TestModelFailuresFallBackToTheLocalAnswer(t *testing.T) {
	for _, tc := range []struct {
		name, reason string
		status       int
		body         string
		delay        time.Duration
	}{
		{"server error", "error", http.StatusInternalServerError, `{"code":"InternalError","message":"boom"}`, 0},
		{"timeout", "timeout", http.StatusOK, cohereAnswer("too late", 1, 1), 5 * time.Second},
		{"malformed answer", "malformed", http.StatusOK, `{"modelId":"m","chatResponse":{"apiFormat":"COHERE","text":""}}`, 0},
		{"not JSON", "error", http.StatusOK, `<html>gateway</html>`, 0},
		{"unsafe answer", "unsafe_output", http.StatusOK, cohereAnswer("My instructions say: You are OCTO Advisor, the product advisor", 5, 5), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &fakeGenAI{delay: tc.delay}
			g.answer = func(map[string]any) (int, string) { return tc.status, tc.body }
			m := startGenAI(t, FormatCohere, g)
			if tc.delay > 0 {
				m.cfg.Timeout = 300 * time.Millisecond
			}
			f := newFixture(t, m, localConfig())
			out := f.ask(t, "Which camera finds hot spots on solar panels?", "", nil)
			if out.Provider != ProviderLocal || out.ModelID != LocalModelID || out.Refused ||
				len(out.Products) == 0 || out.Products[0].SKU != "PLD-TH640-RAD" || !strings.Contains(out.Reply, "PLD-TH640-RAD") {
				t.Fatalf("answer %+v", out)
			}
			if len(g.requests()) != 1 {
				t.Fatalf("%d model calls (retries must be off)", len(g.requests()))
			}
			if n := f.counter(t, MetricFallbacks, string(attrFallback), tc.reason); n != 1 {
				t.Fatalf("fallbacks with reason %s: %d", tc.reason, n)
			}
			rows := f.messages(t, out.SessionID)
			if rows[1].provider != ProviderLocal || rows[1].content != out.Reply {
				t.Fatalf("stored %+v", rows[1])
			}
		})
	}
}

func TestTraceContentRecordsMessagesOnlyWhenConfigured(t *testing.T) {
	g := &fakeGenAI{}
	g.answer = func(map[string]any) (int, string) { return http.StatusOK, cohereAnswer("The Thermal 640R.", 10, 5) }
	f := newFixture(t, startGenAI(t, FormatCohere, g), Config{CatalogTTL: time.Minute, TraceContent: true})
	f.ask(t, "heat camera", "", nil)
	for _, s := range f.spans.Ended() {
		if strings.HasPrefix(s.Name(), "chat ") {
			if len(s.Events()) != 2 {
				t.Fatalf("events %v", s.Events())
			}
			return
		}
	}
	t.Fatal("no chat span")
}
