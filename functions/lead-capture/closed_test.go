package leadcapture

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// TestALeadForAnEndedCampaignIsKeptWithoutTheCampaign: a form of a campaign that has ended (completed,
// or still active or paused past its ends_at) still gives a lead, answered 202 as any other, but
// stored as if it named no campaign: no campaign_id, no campaign score, deduplicated with the email's
// other leads without a campaign, so the ended campaign's leads and funnel stay as they were when
// it ended. A running campaign (active or paused, before its end) still gets its leads.
func TestALeadForAnEndedCampaignIsKeptWithoutTheCampaign(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC()
	campaign := func(code, status string, ends *time.Time) int64 {
		id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO campaigns (code, name, campaign_type, status, starts_at, ends_at)
VALUES (:1, :2, 'referral', :3, :4, :5) RETURNING id INTO :6`, code, "Campaign "+code, status, now.Add(-60*24*time.Hour), ends)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	past, future := now.Add(-time.Hour), now.Add(10*24*time.Hour)
	for _, tc := range []struct {
		code, status string
		ends         *time.Time
		linked       bool
	}{
		{"DONE-NO-END", "completed", nil, false},
		{"DONE-LATER", "completed", &future, false},
		{"ACTIVE-ENDED", "active", &past, false},
		{"PAUSED-ENDED", "paused", &past, false},
		{"ACTIVE-OPEN", "active", &future, true},
		{"PAUSED-OPEN", "paused", nil, true},
	} {
		t.Run(tc.code, func(t *testing.T) {
			id := campaign(tc.code, tc.status, tc.ends)
			email := "buyer@" + strings.ToLower(tc.code) + ".example"
			before := f.db.Int(t, `SELECT COUNT(*) FROM leads WHERE campaign_id = :1`, id)
			for _, body := range []map[string]any{
				{"email": email, "company": "Buyer Co", "campaign_code": strings.ToLower(tc.code), "source": "web", "consent": true},
				{"email": email, "campaign_id": id, "source": "web", "message": "Still interested", "consent": true},
			} {
				if status, raw := f.post(t, body); status != http.StatusAccepted || strings.TrimSpace(raw) != `{"accepted":true}` {
					t.Fatalf("= %d %s, want 202", status, raw)
				}
			}
			linked, unlinked := f.leads(t, email, id), f.leads(t, email, 0)
			if tc.linked {
				if len(linked) != 1 || len(unlinked) != 0 {
					t.Fatalf("running campaign: %d leads on it and %d without, want 1 and 0", len(linked), len(unlinked))
				}
				return
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM leads WHERE campaign_id = :1`, id); n != before || len(linked) != 0 {
				t.Fatalf("the ended campaign's leads went from %d to %d", before, n)
			}
			// The repeat: 10 + 25 (company domain) + 15 (company, kept from the first) + 5 (message
			// under 50 characters) + 15 (repeat), without the referral campaign's 15.
			if len(unlinked) != 1 || unlinked[0].score != 70 || unlinked[0].msg != "Still interested" || unlinked[0].company != "Buyer Co" {
				t.Fatalf("leads without a campaign: %+v, want one, merged, scoring 70", unlinked)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM lead_dedup WHERE dedup_key = :1`, "0:"+email); n != 1 {
				t.Fatalf("%d dedup keys without a campaign, want 1", n)
			}
		})
	}
}
