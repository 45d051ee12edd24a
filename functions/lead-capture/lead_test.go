package leadcapture

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/web"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	h, err := New(d.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: h}
}

func (f fixture) post(t *testing.T, body any) (int, string) {
	t.Helper()
	raw, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	req := httptest.NewRequest("POST", "/api/leads", strings.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

// lead is the stored lead of an email and campaign (0: none).
type lead struct {
	id, customer, score int64
	name, company, msg  string
	status, source      string
}

func (f fixture) leads(t *testing.T, email string, campaign int64) []lead {
	t.Helper()
	rows, err := f.db.QueryContext(context.Background(), `SELECT id, COALESCE(customer_id, 0), score, COALESCE(name, ''),
    COALESCE(company, ''), COALESCE(message, ''), status, source
FROM leads WHERE LOWER(email) = LOWER(:1) AND COALESCE(campaign_id, 0) = :2 ORDER BY id`, email, campaign)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []lead
	for rows.Next() {
		var l lead
		if err := rows.Scan(&l.id, &l.customer, &l.score, &l.name, &l.company, &l.msg, &l.status, &l.source); err != nil {
			t.Fatal(err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLeadIsStoredScoredAndLinkedToItsCustomer(t *testing.T) {
	f := newFixture(t)
	var email string
	customer := f.db.Int(t, `SELECT MIN(id) FROM customers`)
	if err := f.db.QueryRowContext(context.Background(), `SELECT email FROM customers WHERE id = :1`, customer).Scan(&email); err != nil {
		t.Fatal(err)
	}
	referral := f.db.Int(t, `SELECT MIN(id) FROM campaigns WHERE campaign_type = 'referral' AND status <> 'draft'`)
	var code string
	if err := f.db.QueryRowContext(context.Background(), `SELECT code FROM campaigns WHERE id = :1`, referral).Scan(&code); err != nil {
		t.Fatal(err)
	}
	msg := "Need 3 units for O'Brien & Sons -- site #4; select the 5 inch props."
	status, body := f.post(t, map[string]any{"email": strings.ToUpper(email), "name": "Jordan", "company": "Acme Surveys",
		"campaign_code": strings.ToLower(code), "source": "referral", "message": msg, "consent": true})
	if status != http.StatusAccepted || strings.TrimSpace(body) != `{"accepted":true}` {
		t.Fatalf("= %d %s", status, body)
	}
	got := f.leads(t, email, referral)
	// The seed's customers have company domains: 10 + 25 (domain) + 15 (company) + 12 (message of
	// 50..199 characters) + 15 (referral campaign).
	want := lead{id: got[0].id, customer: customer, score: 77, name: "Jordan", company: "Acme Surveys", msg: msg, status: "new", source: "referral"}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("stored %+v, want %+v", got, want)
	}

	if status, body := f.post(t, map[string]any{"email": "someone.new@gmail.com", "source": "web", "consent": true}); status != http.StatusAccepted {
		t.Fatalf("= %d %s", status, body)
	}
	if got := f.leads(t, "someone.new@gmail.com", 0); len(got) != 1 || got[0].customer != 0 || got[0].score != 10 {
		t.Fatalf("a free-mail lead without campaign: %+v, want one unlinked lead scoring 10", got)
	}
}

func TestDuplicateWithin30DaysUpdatesTheLead(t *testing.T) {
	f := newFixture(t)
	campaign := f.db.Int(t, `SELECT MIN(id) FROM campaigns WHERE status <> 'draft'`)
	kind := ""
	if err := f.db.QueryRowContext(context.Background(), `SELECT campaign_type FROM campaigns WHERE id = :1`, campaign).Scan(&kind); err != nil {
		t.Fatal(err)
	}
	email := "buyer@dedup-test.example"
	first := map[string]any{"email": email, "company": "Dedup Ltd", "campaign_id": campaign, "source": "web", "message": "Quote please", "consent": true}
	if status, body := f.post(t, first); status != http.StatusAccepted {
		t.Fatalf("first = %d %s", status, body)
	}
	before := f.leads(t, email, campaign)
	if len(before) != 1 {
		t.Fatalf("%d leads after the first submission", len(before))
	}
	base := Signals{CompanyEmail: true, CompanyGiven: true, MessageChars: len("Quote please"), CampaignType: kind}
	if before[0].score != int64(Score(base)) {
		t.Fatalf("first score %d, want %d", before[0].score, Score(base))
	}
	f.db.Exec(t, `UPDATE leads SET status = 'contacted' WHERE id = :1`, before[0].id)

	repeat := map[string]any{"email": strings.ToUpper(email), "name": "Bea Buyer", "campaign_id": campaign, "source": "paid", "consent": true}
	if status, body := f.post(t, repeat); status != http.StatusAccepted {
		t.Fatalf("repeat = %d %s", status, body)
	}
	after := f.leads(t, email, campaign)
	base.Repeat = true
	want := lead{id: before[0].id, score: int64(Score(base)), name: "Bea Buyer", company: "Dedup Ltd", msg: "Quote please", status: "contacted", source: "web"}
	if len(after) != 1 || after[0] != want {
		t.Fatalf("after the repeat %+v, want one lead %+v", after, want)
	}

	if status, _ := f.post(t, map[string]any{"email": email, "source": "web", "consent": true}); status != http.StatusAccepted {
		t.Fatal("no campaign")
	}
	if n := len(f.leads(t, email, 0)); n != 1 || len(f.leads(t, email, campaign)) != 1 {
		t.Fatalf("another campaign (none) made %d leads of its own, want 1, and left the first alone", n)
	}

	// After the window a submission starts a new lead, which later repeats update.
	f.db.Exec(t, `UPDATE leads SET created_at = :1 WHERE id = :2`, time.Now().Add(-Window-time.Hour), before[0].id)
	for range 2 {
		if status, body := f.post(t, first); status != http.StatusAccepted {
			t.Fatalf("after the window = %d %s", status, body)
		}
	}
	late := f.leads(t, email, campaign)
	if len(late) != 2 || late[0].id != before[0].id || late[1].score != int64(Score(base)) {
		t.Fatalf("after the window %+v, want the old lead and one new repeated lead", late)
	}
}

func TestConcurrentDuplicatesMakeOneLead(t *testing.T) {
	f := newFixture(t)
	email := "race@concurrent.example"
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() {
			statuses[i], _ = f.post(t, map[string]any{"email": email, "source": "web", "consent": true, "message": "same"})
		})
	}
	wg.Wait()
	for _, s := range statuses {
		if s != http.StatusAccepted {
			t.Fatalf("statuses %v", statuses)
		}
	}
	if got := f.leads(t, email, 0); len(got) != 1 {
		t.Fatalf("%d leads from 8 concurrent identical submissions, want 1", len(got))
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM lead_dedup WHERE dedup_key = :1`, "0:"+email); n != 1 {
		t.Fatalf("%d dedup keys", n)
	}
}

func TestBadLeadsAre4xxAndChangeNothing(t *testing.T) {
	f := newFixture(t)
	draft, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO campaigns (code, name, campaign_type, status)
VALUES ('UNRELEASED', 'Unreleased', 'email', 'draft') RETURNING id INTO :1`)
	if err != nil {
		t.Fatal(err)
	}
	before := f.db.Int(t, `SELECT COUNT(*) FROM leads`)
	ok := `"email":"a@company.example","source":"web","consent":true`
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"invalid_email_is_400", `{"email":"not-an-email","source":"web","consent":true}`, 400, "invalid_request"},
		{"email_with_display_name_is_400", `{"email":"A <a@company.example>","source":"web","consent":true}`, 400, "invalid_request"},
		{"email_without_dotted_domain_is_400", `{"email":"a@localhost","source":"web","consent":true}`, 400, "invalid_request"},
		{"missing_email_is_400", `{"source":"web","consent":true}`, 400, "invalid_request"},
		{"consent_false_is_400", `{"email":"a@company.example","source":"web","consent":false}`, 400, "invalid_request"},
		{"consent_missing_is_400", `{"email":"a@company.example","source":"web"}`, 400, "invalid_request"},
		{"consent_as_string_is_400", `{"email":"a@company.example","source":"web","consent":"true"}`, 400, "invalid_request"},
		{"unknown_source_is_400", `{"email":"a@company.example","source":"tv","consent":true}`, 400, "invalid_request"},
		{"missing_source_is_400", `{"email":"a@company.example","consent":true}`, 400, "invalid_request"},
		{"both_campaign_forms_is_400", `{` + ok + `,"campaign_id":1,"campaign_code":"x"}`, 400, "invalid_request"},
		{"message_over_2000_is_400", `{` + ok + `,"message":"` + strings.Repeat("m", 2001) + `"}`, 400, "invalid_request"},
		{"name_with_newline_is_400", `{` + ok + `,"name":"a\nb"}`, 400, "invalid_request"},
		{"unknown_field_is_400", `{` + ok + `,"score":100}`, 400, "invalid_request"},
		{"unknown_campaign_id_is_422", `{` + ok + `,"campaign_id":99999}`, 422, "unknown_campaign"},
		{"unknown_campaign_code_is_422", `{` + ok + `,"campaign_code":"nope"}`, 422, "unknown_campaign"},
		{"campaign_display_name_is_not_a_code_422", `{` + ok + `,"campaign_code":"Spring Inspection Push"}`, 422, "unknown_campaign"},
		{"draft_campaign_code_is_422", `{` + ok + `,"campaign_code":"UNRELEASED"}`, 422, "unknown_campaign"},
		{"draft_campaign_is_422", `{` + ok + `,"campaign_id":` + strconv.FormatInt(draft, 10) + `}`, 422, "unknown_campaign"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.post(t, tc.body)
			var e web.ErrorBody
			if err := json.Unmarshal([]byte(body), &e); err != nil || status != tc.status || e.Error.Code != tc.code {
				t.Fatalf("= %d %s, want %d %s", status, body, tc.status, tc.code)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM leads`); n != before {
				t.Fatalf("leads %d -> %d", before, n)
			}
		})
	}
}
