package assistantchat

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

func localConfig() Config { return Config{CatalogTTL: defaultCatalogTT} }

func skusOf(r ChatResponse) []string {
	var out []string
	for _, p := range r.Products {
		out = append(out, p.SKU)
	}
	return out
}

func TestThreeTurnConversationIsGroundedStoredAndReadBack(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	first := f.ask(t, "Which camera finds hot spots on solar panels?", "", nil)
	if !validSessionID(first.SessionID) || first.Provider != ProviderLocal || first.ModelID != LocalModelID || first.Refused {
		t.Fatalf("first answer %+v", first)
	}
	if len(first.Products) == 0 || first.Products[0].SKU != "PLD-TH640-RAD" || !strings.Contains(first.Reply, "PLD-TH640-RAD") {
		t.Fatalf("first answer not grounded on the thermal camera: %v %q", skusOf(first), first.Reply)
	}
	second := f.ask(t, "Which drone can carry it for roof inspections?", first.SessionID, nil)
	if second.SessionID != first.SessionID || !slices.Contains(skusOf(second), "DRN-H6-INS") {
		t.Fatalf("second answer %v in %s", skusOf(second), second.SessionID)
	}
	third := f.ask(t, "And a spare battery for it?", first.SessionID, nil)
	if len(third.Products) == 0 || !strings.HasPrefix(third.Products[0].SKU, "BAT-") {
		t.Fatalf("third answer %v", skusOf(third))
	}

	r := f.do(t, "GET", "/api/assistant/sessions/"+first.SessionID, "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET = %d %s", r.status, r.body)
	}
	var s Session
	dbtest.Decode(t, r.body, &s)
	if len(s.Messages) != 6 || s.NextAfter != nil {
		t.Fatalf("session has %d messages (next %v)", len(s.Messages), s.NextAfter)
	}
	for i, m := range s.Messages {
		wantRole := []string{"user", "assistant"}[i%2]
		if m.Role != wantRole {
			t.Fatalf("message %d role %s", i, m.Role)
		}
	}
	if s.Messages[2].Content != "Which drone can carry it for roof inspections?" || s.Messages[5].Content != third.Reply ||
		*s.Messages[5].Provider != ProviderLocal {
		t.Fatalf("messages %+v", s.Messages)
	}
	rows := f.messages(t, first.SessionID)
	reply := rows[1]
	if reply.provider != ProviderLocal || reply.model != LocalModelID || len(reply.promptHash) != 64 ||
		reply.responseHash != sha256Hex([]byte(first.Reply)) || reply.latency < 0 || len(reply.traceID) != 32 {
		t.Fatalf("stored reply %+v", reply)
	}
}

func TestMessagesArePagedOldestFirst(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	a := f.ask(t, "thermal camera", "", nil)
	f.ask(t, "lidar", a.SessionID, nil)
	r := f.do(t, "GET", "/api/assistant/sessions/"+a.SessionID+"?limit=3", "", nil)
	var p1 Session
	dbtest.Decode(t, r.body, &p1)
	if len(p1.Messages) != 3 || p1.NextAfter == nil {
		t.Fatalf("page 1: %d messages, next %v", len(p1.Messages), p1.NextAfter)
	}
	r = f.do(t, "GET", "/api/assistant/sessions/"+a.SessionID+"?limit=3&after="+itoa(*p1.NextAfter), "", nil)
	var p2 Session
	dbtest.Decode(t, r.body, &p2)
	if len(p2.Messages) != 1 || p2.NextAfter != nil || p2.Messages[0].ID <= p1.Messages[2].ID {
		t.Fatalf("page 2: %+v", p2)
	}
}

func TestSignedInCustomersSessionIsTheirsAlone(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	shopper := f.user(t, seed.ShopperUser)
	mine := f.ask(t, "Battery for the Inspector H6", "", shopper)
	owner := f.db.Int(t, `SELECT COALESCE(customer_id, 0) FROM assistant_sessions WHERE session_id = :1`, mine.SessionID)
	if want := f.db.Int(t, `SELECT customer_id FROM users WHERE username = :1`, seed.ShopperUser); owner != want {
		t.Fatalf("session bound to customer %d, want %d", owner, want)
	}
	other := f.otherCustomer(t)
	for name, headers := range map[string]map[string]string{"anonymous": nil, "another customer": other} {
		t.Run(name+" gets 404", func(t *testing.T) {
			if r := f.do(t, "GET", "/api/assistant/sessions/"+mine.SessionID, "", headers); r.status != http.StatusNotFound {
				t.Fatalf("GET = %d %s", r.status, r.body)
			}
			r := f.do(t, "POST", "/api/assistant/chat", `{"message":"thermal camera","session_id":"`+mine.SessionID+`"}`, headers)
			if r.status != http.StatusNotFound {
				t.Fatalf("POST = %d %s", r.status, r.body)
			}
		})
	}
	if n := len(f.messages(t, mine.SessionID)); n != 2 {
		t.Fatalf("%d messages stored, want the owner's 2", n)
	}
	if r := f.do(t, "GET", "/api/assistant/sessions/"+mine.SessionID, "", shopper); r.status != http.StatusOK {
		t.Fatalf("owner GET = %d", r.status)
	}
	// An anonymous session is reached by its id alone.
	anon := f.ask(t, "lidar module", "", nil)
	if f.db.Int(t, `SELECT COUNT(*) FROM assistant_sessions WHERE session_id = :1 AND customer_id IS NULL`, anon.SessionID) != 1 {
		t.Fatal("anonymous session bound to a customer")
	}
	if r := f.do(t, "GET", "/api/assistant/sessions/"+anon.SessionID, "", nil); r.status != http.StatusOK {
		t.Fatalf("anonymous GET = %d", r.status)
	}
	if anon.SessionID == mine.SessionID {
		t.Fatal("two sessions share an id")
	}
}

func TestBadInputIsRefusedAndWritesNothing(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	before := f.db.Int(t, `SELECT COUNT(*) FROM assistant_messages`)
	for _, tc := range []struct{ name, body string }{
		{"empty message", `{"message":""}`},
		{"blank message", `{"message":"   "}`},
		{"missing message", `{}`},
		{"1001 characters", `{"message":"` + strings.Repeat("é", 1001) + `"}`},
		{"control character", `{"message":"thermal\u0007camera"}`},
		{"unknown field", `{"message":"thermal camera","model":"x"}`},
		{"malformed session id", `{"message":"thermal camera","session_id":"../../etc"}`},
		{"message not a string", `{"message":42}`},
		{"focus too long", `{"message":"thermal camera","product_focus":"` + strings.Repeat("a", 201) + `"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, "POST", "/api/assistant/chat", tc.body, nil)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d %s", r.status, r.body)
			}
		})
	}
	if r := f.do(t, "POST", "/api/assistant/chat", `{"message":"thermal camera","session_id":"`+newSessionID()+`"}`, nil); r.status != http.StatusNotFound {
		t.Fatalf("unknown session = %d", r.status)
	}
	if r := f.do(t, "GET", "/api/assistant/sessions/nope", "", nil); r.status != http.StatusNotFound {
		t.Fatalf("malformed id GET = %d", r.status)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM assistant_messages`); n != before {
		t.Fatalf("%d messages written", n)
	}
	// 1000 characters of two bytes each is fine.
	f.ask(t, strings.Repeat("é", 999)+"x", "", nil)
}

func TestProductFocusSteersRetrieval(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	r := f.do(t, "POST", "/api/assistant/chat", `{"message":"which battery do I need?","product_focus":"AgriSpray A10"}`, nil)
	var out ChatResponse
	dbtest.Decode(t, r.body, &out)
	if len(out.Products) == 0 || out.Products[0].SKU != "BAT-AGR-30K" {
		t.Fatalf("products %v", skusOf(out))
	}
}

func TestCardNumbersAreNeverStored(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	out := f.ask(t, "my card 4111 1111 1111 1111 was charged twice for the thermal camera", "", nil)
	for _, m := range f.messages(t, out.SessionID) {
		if strings.Contains(strings.ReplaceAll(m.content, " ", ""), "4111111111111111") {
			t.Fatalf("stored %q", m.content)
		}
	}
	var title string
	if err := f.db.QueryRowContext(context.Background(), `SELECT title FROM assistant_sessions WHERE session_id = :1`, out.SessionID).Scan(&title); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(title, "4111") || !strings.Contains(title, "[card number removed]") {
		t.Fatalf("title %q", title)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestATurnRunsAConstantNumberOfStatements(t *testing.T) {
	f := newFixture(t, nil, localConfig())
	first := dbtest.Serve(f.h, "POST", "/api/assistant/chat", `{"message":"thermal camera"}`, nil)
	var a ChatResponse
	dbtest.Decode(t, first.Body, &a)
	// The first turn of a container also loads the catalog: 1 + session + 2 messages.
	if first.Statements != 4 {
		t.Fatalf("first turn ran %d statements", first.Statements)
	}
	for i := range 25 { // a long session: the history read stays one bounded statement
		s := dbtest.Serve(f.h, "POST", "/api/assistant/chat", `{"message":"lidar module","session_id":"`+a.SessionID+`"}`, nil)
		if s.Status != http.StatusOK || s.Statements != 5 { // access, history, session touch, 2 messages
			t.Fatalf("turn %d: %d, %d statements", i+2, s.Status, s.Statements)
		}
	}
	signedIn := dbtest.Serve(f.h, "POST", "/api/assistant/chat", `{"message":"lidar module"}`, f.user(t, seed.ShopperUser))
	if signedIn.Statements != 4 { // the caller's customer, session, 2 messages
		t.Fatalf("signed-in first turn ran %d statements", signedIn.Statements)
	}
	if s := dbtest.Serve(f.h, "GET", "/api/assistant/sessions/"+a.SessionID+"?limit=200", "", nil); s.Statements != 2 {
		t.Fatalf("GET ran %d statements", s.Statements)
	}
}

func TestLocalAnswerWritesPricesAsReadersExpect(t *testing.T) {
	for cents, want := range map[money.Cents]string{3900: "$39.00", 249900: "$2,499.00", 2499900: "$24,999.00", 123456789: "$1,234,567.89", 0: "$0.00"} {
		if got := dollars(cents); got != want {
			t.Errorf("dollars(%d) = %s, want %s", cents, got, want)
		}
	}
	one := localAnswer([]Hit{{Product: Product{ID: 1, Name: "OCTO Scout M2", SKU: "DRN-M2-SCT", Price: 249900, Stock: 3, Description: "Foldable."}}})
	if !strings.Contains(one, "OCTO Scout M2 (DRN-M2-SCT), $2,499.00, only 3 left: Foldable.") || strings.Contains(one, "compare them") {
		t.Fatalf("local answer %q", one)
	}
	if none := localAnswer(nil); !strings.Contains(none, "couldn't find") {
		t.Fatalf("local answer without products %q", none)
	}
}
