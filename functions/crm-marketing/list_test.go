package crmmarketing

import (
	"fmt"
	"net/http"
	"testing"
)

// Both lists cost one statement a page whatever its size, page through every row once, and filter.
func TestListsPageWithConstantStatements(t *testing.T) {
	f := newFixture(t)
	a := f.activeCampaign(t, "LIST-A", "0")
	b, _ := f.createCampaign(t, `{"code":"LIST-B","name":"List B","type":"referral"}`)
	for i := range 120 {
		campaign, status := a.ID, LeadNew
		if i%3 == 0 {
			campaign, status = b.ID, LeadQualified
		}
		f.newLead(t, campaign, fmt.Sprintf("list%d@example.com", i), status, i%101)
	}
	for i := range 30 {
		f.createCampaign(t, fmt.Sprintf(`{"code":"BULK-%d","name":"Bulk %d","type":"ppc"}`, i, i))
	}
	for _, base := range []string{"/api/crm/campaigns", "/api/crm/leads"} {
		small := f.do(t, "GET", base+"?limit=5", "")
		large := f.do(t, "GET", base+"?limit=100", "")
		if small.Status != 200 || large.Status != 200 || small.Statements != 1 || large.Statements != 1 {
			t.Fatalf("%s: %d/%d in %d and %d statements, want 1", base, small.Status, large.Status, small.Statements, large.Statements)
		}
	}
	walk := func(target string, n func(body response) (int, *string)) int {
		total, next := 0, ""
		for {
			r := f.do(t, "GET", target+next, "")
			if r.Status != http.StatusOK {
				t.Fatalf("%s%s = %d %s", target, next, r.Status, r.Body)
			}
			got, cursor := n(r)
			total += got
			if cursor == nil {
				return total
			}
			next = "&cursor=" + *cursor
		}
	}
	leads := func(r response) (int, *string) { p := decode[LeadPage](t, r); return len(p.Items), p.NextCursor }
	campaigns := func(r response) (int, *string) { p := decode[CampaignPage](t, r); return len(p.Items), p.NextCursor }
	seeded := int(f.DB.Int(t, `SELECT COUNT(*) FROM leads`))
	for q, want := range map[string]int{
		"limit=7":                           seeded,
		"limit=7&campaign_id=" + itoa(b.ID): 40,
		"limit=7&status=qualified&campaign_id=" + itoa(b.ID):               40,
		"limit=7&campaign_id=" + itoa(a.ID) + "&min_score=50&max_score=60": 7,
		"limit=7&campaign_id=" + itoa(a.ID) + "&status=converted":          0,
	} {
		if got := walk("/api/crm/leads?"+q, leads); got != want {
			t.Errorf("leads?%s: %d rows, want %d", q, got, want)
		}
	}
	total := int(f.DB.Int(t, `SELECT COUNT(*) FROM campaigns`))
	for q, want := range map[string]int{"limit=4": total, "limit=4&type=ppc": 30, "limit=4&status=active&type=email": 1 + int(f.DB.Int(t,
		`SELECT COUNT(*) FROM campaigns WHERE status = 'active' AND campaign_type = 'email' AND code <> 'LIST-A'`))} {
		if got := walk("/api/crm/campaigns?"+q, campaigns); got != want {
			t.Errorf("campaigns?%s: %d rows, want %d", q, got, want)
		}
	}
	page := decode[CampaignPage](t, f.do(t, "GET", "/api/crm/campaigns?limit=100&type=referral", ""))
	for _, c := range page.Items {
		if c.ID == b.ID && (c.Leads != 40 || c.Converted != 0 || c.ConversionRate != 0) {
			t.Errorf("campaign B counts %+v", c)
		}
	}
	for _, q := range []string{"status=won", "min_score=101", "min_score=x", "max_score=-1", "min_score=60&max_score=50",
		"campaign_id=0", "owner_id=abc", "limit=101", "cursor=bogus"} {
		if r := f.do(t, "GET", "/api/crm/leads?"+q, ""); r.Status != http.StatusBadRequest {
			t.Errorf("leads?%s = %d, want 400", q, r.Status)
		}
	}
	for _, q := range []string{"status=archived", "type=tv", "limit=0", "cursor=bogus"} {
		if r := f.do(t, "GET", "/api/crm/campaigns?"+q, ""); r.Status != http.StatusBadRequest {
			t.Errorf("campaigns?%s = %d, want 400", q, r.Status)
		}
	}
	if r := f.do(t, "GET", campaignPath(999999, "/funnel"), ""); r.Status != http.StatusNotFound {
		t.Errorf("funnel of an unknown campaign = %d", r.Status)
	}
}
