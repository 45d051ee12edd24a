package crmmarketing

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestCampaignCreateAndPatchNeedACurrentIfMatch(t *testing.T) {
	f := newFixture(t)
	c, tag := f.createCampaign(t, `{"code":"DRONE-WEEK-27","name":"Drone Week","type":"social","budget":"1200.50",
		"description":"Launch week","starts_at":"2027-03-01T00:00:00Z","ends_at":"2027-03-08T00:00:00Z"}`)
	if c.Code != "DRONE-WEEK-27" || c.Status != Draft || c.Budget.String() != "1200.50" || c.Spent != 0 || c.StartsAt == nil ||
		strings.Join(c.Allowed, ",") != "active" {
		t.Fatalf("created %+v", c)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'campaign.create' AND entity_id = :1`, itoa(c.ID)); n != 1 {
		t.Fatalf("%d create audits", n)
	}
	for _, tc := range []struct{ name, body, code string }{
		{"duplicate_code_is_409", `{"code":"DRONE-WEEK-27","name":"Other","type":"email"}`, "code_taken"},
		{"duplicate_name_is_409", `{"code":"OTHER-1","name":"Drone Week","type":"email"}`, "name_taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.do(t, "POST", "/api/crm/campaigns", tc.body); r.Status != http.StatusConflict || r.code(t) != tc.code {
				t.Fatalf("= %d %s, want 409 %s", r.Status, r.Body, tc.code)
			}
		})
	}
	p := campaignPath(c.ID, "")
	if r := f.do(t, "PATCH", p, `{"name":"Drone Week 2027"}`); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("without If-Match = %d %s", r.Status, r.Body)
	}
	r := f.do(t, "PATCH", p, `{"name":"Drone Week 2027","code":"DRONE-WEEK-2027"}`, "If-Match", tag)
	if r.Status != http.StatusOK || r.ETag == tag {
		t.Fatalf("patch = %d %s", r.Status, r.Body)
	}
	fresh := r.ETag
	if r := f.do(t, "PATCH", p, `{"name":"Stale"}`, "If-Match", tag); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match = %d %s", r.Status, r.Body)
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM campaigns WHERE name = 'Stale'`); got != 0 {
		t.Fatal("a stale PATCH changed the campaign")
	}
	r = f.do(t, "PATCH", p, `{"status":"active"}`, "If-Match", fresh)
	if r.Status != http.StatusOK || decode[CampaignDetail](t, r).Status != Active {
		t.Fatalf("launch = %d %s", r.Status, r.Body)
	}
	launched := r.ETag
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"back_to_draft_is_409", `{"status":"draft"}`, 409, "invalid_transition"},
		{"code_after_launch_is_409", `{"code":"NEW-CODE"}`, 409, "code_locked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.do(t, "PATCH", p, tc.body, "If-Match", launched); r.Status != tc.status || r.code(t) != tc.code {
				t.Fatalf("= %d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	for _, step := range []string{"paused", "active", "completed"} {
		r := f.do(t, "GET", p, "")
		if r = f.do(t, "PATCH", p, `{"status":"`+step+`"}`, "If-Match", r.ETag); r.Status != http.StatusOK {
			t.Fatalf("-> %s = %d %s", step, r.Status, r.Body)
		}
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'campaign.update' AND entity_id = :1`, itoa(c.ID)); n != 5 {
		t.Fatalf("%d update audits, want 5", n)
	}
}

func TestBadCampaignInputIs4xxAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	c, tag := f.createCampaign(t, `{"code":"BASE","name":"Base","type":"email","budget":"10"}`)
	before := f.DB.Int(t, `SELECT COUNT(*) FROM campaigns`)
	audits := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs`)
	ok := `"name":"N","type":"email"`
	for _, tc := range []struct {
		name, method, body string
		status             int
	}{
		{"lower_case_code", "POST", `{"code":"spring",` + ok + `}`, 400},
		{"code_with_space", "POST", `{"code":"A B",` + ok + `}`, 400},
		{"code_of_41_bytes", "POST", `{"code":"` + strings.Repeat("A", 41) + `",` + ok + `}`, 400},
		{"code_starting_with_dash", "POST", `{"code":"-AB",` + ok + `}`, 400},
		{"code_missing", "POST", `{` + ok + `}`, 400},
		{"unknown_type", "POST", `{"code":"X1","name":"N","type":"tv"}`, 400},
		{"negative_budget", "POST", `{"code":"X1",` + ok + `,"budget":"-1"}`, 400},
		{"budget_with_3_decimals", "POST", `{"code":"X1",` + ok + `,"budget":"1.001"}`, 400},
		{"spent_is_not_settable", "POST", `{"code":"X1",` + ok + `,"spent":"5"}`, 400},
		{"status_on_create", "POST", `{"code":"X1",` + ok + `,"status":"active"}`, 400},
		{"name_of_201_chars", "POST", `{"code":"X1","type":"email","name":"` + strings.Repeat("n", 201) + `"}`, 400},
		{"name_of_202_bytes_in_101_chars", "POST", `{"code":"X1","type":"email","name":"` + strings.Repeat("é", 101) + `"}`, 400},
		{"blank_name", "POST", `{"code":"X1","type":"email","name":"  "}`, 400},
		{"ends_before_starts", "POST", `{"code":"X1",` + ok + `,"starts_at":"2027-02-01T00:00:00Z","ends_at":"2027-01-01T00:00:00Z"}`, 400},
		{"date_not_rfc3339", "POST", `{"code":"X1",` + ok + `,"starts_at":"01/02/2027"}`, 400},
		{"empty_patch", "PATCH", `{}`, 400},
		{"unknown_status", "PATCH", `{"status":"archived"}`, 400},
		{"spent_in_patch", "PATCH", `{"spent":"0"}`, 400},
		{"draft_to_completed", "PATCH", `{"status":"completed"}`, 409},
		{"budget_as_number_too_big", "PATCH", `{"budget":99999999999}`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/api/crm/campaigns"
			if tc.method == "PATCH" {
				target = campaignPath(c.ID, "")
			}
			r := f.do(t, tc.method, target, tc.body, "If-Match", tag)
			if r.Status != tc.status {
				t.Fatalf("= %d %s, want %d", r.Status, r.Body, tc.status)
			}
			_ = r.code(t)
			if f.DB.Int(t, `SELECT COUNT(*) FROM campaigns`) != before || f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs`) != audits {
				t.Fatal("a refused request changed something")
			}
		})
	}
	if r := f.do(t, "GET", campaignPath(c.ID, ""), ""); r.ETag != tag {
		t.Fatal("the campaign changed")
	}
	for _, p := range []string{"/api/crm/campaigns/0", "/api/crm/campaigns/x", "/api/crm/campaigns/999999"} {
		if r := f.do(t, "GET", p, ""); r.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d", p, r.Status)
		}
	}
}

func TestSpendIsOnlyRecordedEntries(t *testing.T) {
	f := newFixture(t)
	draft, _ := f.createCampaign(t, `{"code":"DRAFT-SPEND","name":"Draft spend","type":"ppc","budget":"100"}`)
	if r := f.do(t, "POST", campaignPath(draft.ID, "/spend"), `{"amount":"1"}`); r.Status != 409 || r.code(t) != "campaign_not_running" {
		t.Fatalf("spend on a draft = %d %s", r.Status, r.Body)
	}
	c := f.activeCampaign(t, "SPEND-1", "1000.00")
	p := campaignPath(c.ID, "/spend")
	r := f.do(t, "POST", p, `{"amount":"250.25","note":"Search ads, week 1"}`)
	a := decode[SpendAnswer](t, r)
	if r.Status != http.StatusCreated || a.Entry.Amount.String() != "250.25" || a.Campaign.Spent.String() != "250.25" ||
		a.Campaign.Remaining.String() != "749.75" || len(a.Campaign.RecentSpend) != 1 {
		t.Fatalf("spend = %d %s", r.Status, r.Body)
	}
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"zero_is_400", `{"amount":"0"}`, 400, "invalid_request"},
		{"negative_is_400", `{"amount":"-5"}`, 400, "invalid_request"},
		{"missing_amount_is_400", `{"note":"x"}`, 400, "invalid_request"},
		{"note_over_500_is_400", `{"amount":"1","note":"` + strings.Repeat("n", 501) + `"}`, 400, "invalid_request"},
		{"over_budget_is_409", `{"amount":"749.76"}`, 409, "over_budget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.do(t, "POST", p, tc.body); r.Status != tc.status || r.code(t) != tc.code {
				t.Fatalf("= %d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	// Eight concurrent entries of 10.00: none lost, spent is their sum.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if r := f.do(t, "POST", p, `{"amount":"10","note":"concurrent"}`); r.Status != http.StatusCreated {
				t.Errorf("concurrent spend = %d %s", r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM campaign_spend WHERE campaign_id = :1`, c.ID); got != 9 {
		t.Fatalf("%d entries, want 9", got)
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM campaigns WHERE id = :1 AND spent = 330.25 AND spent = (SELECT SUM(amount) FROM campaign_spend WHERE campaign_id = :2)`, c.ID, c.ID); got != 1 {
		t.Fatal("spent is not the sum of the entries (330.25)")
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'campaign.spend' AND entity_id = :1`, itoa(c.ID)); got != 9 {
		t.Fatalf("%d spend audits, want 9", got)
	}
	detail := f.do(t, "GET", campaignPath(c.ID, ""), "")
	if r := f.do(t, "PATCH", campaignPath(c.ID, ""), `{"budget":"330.24"}`, "If-Match", detail.ETag); r.Status != 409 || r.code(t) != "budget_below_spent" {
		t.Fatalf("budget below spent = %d %s", r.Status, r.Body)
	}
}

// Eight concurrent entries of 10.00 against a budget of 50.00: five are recorded, three refused, and
// spent never passes the budget.
func TestConcurrentSpendNeverPassesTheBudget(t *testing.T) {
	f := newFixture(t)
	c := f.activeCampaign(t, "CAP-1", "50.00")
	var mu sync.Mutex
	got := map[int]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r := f.do(t, "POST", campaignPath(c.ID, "/spend"), `{"amount":"10.00"}`)
			mu.Lock()
			got[r.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if got[http.StatusCreated] != 5 || got[http.StatusConflict] != 3 {
		t.Fatalf("answers %v, want 5 x 201 and 3 x 409", got)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM campaigns WHERE id = :1 AND spent = 50`, c.ID); n != 1 {
		t.Fatal("spent is not 50.00")
	}
}
