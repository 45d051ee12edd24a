package crmmarketing

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// newLead inserts a lead of a campaign in status.
func (f fixture) newLead(t *testing.T, campaign int64, email, status string, score int) int64 {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	id, err := db.InsertReturningID(context.Background(), f.DB, `INSERT INTO leads (email, name, company, phone, campaign_id, source, status, score,
    consent, created_at, updated_at)
VALUES (:1, 'Kim Lee', 'Lee Aerial', '+1 555 0100', :2, 'web', :3, :4, 1, :5, :6) RETURNING id INTO :7`, email, campaign, status, score, now, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// move PATCHes a lead with its current ETag.
func (f fixture) move(t *testing.T, id int64, body string) response {
	t.Helper()
	cur := f.do(t, "GET", leadPath(id), "")
	if cur.Status != http.StatusOK {
		t.Fatalf("GET lead = %d %s", cur.Status, cur.Body)
	}
	return f.do(t, "PATCH", leadPath(id), body, "If-Match", cur.ETag)
}

func TestConvertingLinksOrCreatesTheCustomer(t *testing.T) {
	f := newFixture(t)
	c := f.activeCampaign(t, "CONVERT-1", "0")
	var existingEmail string
	existing := f.DB.Int(t, `SELECT MIN(id) FROM customers`)
	if err := f.DB.QueryRowContext(context.Background(), `SELECT email FROM customers WHERE id = :1`, existing).Scan(&existingEmail); err != nil {
		t.Fatal(err)
	}
	known := f.newLead(t, c.ID, strings.ToUpper(existingEmail), LeadQualified, 70)
	fresh := f.newLead(t, c.ID, "Kim@Lee-Aerial.example", LeadNew, 40)
	customers := f.DB.Int(t, `SELECT COUNT(*) FROM customers`)

	r := f.move(t, known, `{"status":"converted"}`)
	l := decode[Lead](t, r)
	if r.Status != http.StatusOK || l.Status != LeadConverted || l.CustomerID == nil || *l.CustomerID != existing || l.ConvertedAt == nil {
		t.Fatalf("convert of a known email = %d %s", r.Status, r.Body)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM customers`) != customers {
		t.Fatal("converting a lead of a known email created a customer")
	}
	if r := f.move(t, fresh, `{"status":"converted"}`); r.Status != 409 || r.code(t) != "invalid_transition" {
		t.Fatalf("new -> converted = %d %s", r.Status, r.Body)
	}
	for _, step := range []string{"contacted", "qualified", "converted"} {
		if r = f.move(t, fresh, `{"status":"`+step+`","notes":"step `+step+`"}`); r.Status != http.StatusOK {
			t.Fatalf("-> %s = %d %s", step, r.Status, r.Body)
		}
	}
	l = decode[Lead](t, r)
	if l.CustomerID == nil || l.Notes != "step converted" {
		t.Fatalf("converted lead %+v", l)
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM customers WHERE id = :1 AND email = 'Kim@Lee-Aerial.example' AND name = 'Kim Lee'
    AND company = 'Lee Aerial'`, *l.CustomerID); got != 1 {
		t.Fatal("the new customer is not made from the lead")
	}
	if got := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'lead.update' AND entity_id = :1 AND details LIKE '%"customer_created":true%'`, itoa(fresh)); got != 1 {
		t.Fatalf("%d audits of the creating convert", got)
	}
	fn := decode[Funnel](t, f.do(t, "GET", campaignPath(c.ID, "/funnel"), ""))
	if fn.Leads != 2 || fn.Converted != 2 || fn.ByStatus.Converted != 2 || fn.ByStatus.New != 0 || fn.ConversionRate != 1 || fn.Code != "CONVERT-1" {
		t.Fatalf("funnel %+v", fn)
	}
	if r := f.move(t, fresh, `{"status":"lost"}`); r.Status != 409 {
		t.Fatalf("converted -> lost = %d %s", r.Status, r.Body)
	}
}

// Eight concurrent converts of one lead, all with the ETag they read: one converts, the others are
// refused, and exactly one customer exists for the email.
func TestConcurrentConvertsOfOneLeadMakeOneCustomer(t *testing.T) {
	f := newFixture(t)
	c := f.activeCampaign(t, "RACE-1", "0")
	id := f.newLead(t, c.ID, "race@one-customer.example", LeadQualified, 80)
	tag := f.do(t, "GET", leadPath(id), "").ETag
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range 8 {
		wg.Go(func() { statuses[i] = f.do(t, "PATCH", leadPath(id), `{"status":"converted"}`, "If-Match", tag).Status })
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusPreconditionFailed, http.StatusConflict:
		default:
			t.Errorf("status %d", s)
		}
	}
	if ok != 1 {
		t.Fatalf("%d converts succeeded (%v), want 1", ok, statuses)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM customers WHERE LOWER(email) = 'race@one-customer.example'`); n != 1 {
		t.Fatalf("%d customers", n)
	}
}

// Eight leads of one email (eight campaigns) converted at once: one customer, all eight linked to it.
func TestConcurrentConvertsOfOneEmailShareTheCustomer(t *testing.T) {
	f := newFixture(t)
	var ids []int64
	for i := range 8 {
		c := f.activeCampaign(t, fmt.Sprintf("EMAIL-RACE-%d", i), "0")
		email := "Same@Shared-Email.example"
		if i%2 == 1 {
			email = strings.ToLower(email)
		}
		ids = append(ids, f.newLead(t, c.ID, email, LeadQualified, 60))
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			if r := f.move(t, id, `{"status":"converted"}`); r.Status != http.StatusOK {
				t.Errorf("convert %d = %d %s", id, r.Status, r.Body)
			}
		})
	}
	wg.Wait()
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM customers WHERE LOWER(email) = 'same@shared-email.example'`); n != 1 {
		t.Fatalf("%d customers", n)
	}
	if n := f.DB.Int(t, `SELECT COUNT(DISTINCT customer_id) FROM leads WHERE LOWER(email) = 'same@shared-email.example' AND status = 'converted'`); n != 1 {
		t.Fatalf("leads linked to %d customers", n)
	}
}

func TestLeadOwnerAndNotes(t *testing.T) {
	f := newFixture(t)
	c := f.activeCampaign(t, "OWNER-1", "0")
	id := f.newLead(t, c.ID, "owner@test.example", LeadNew, 10)
	marketer := f.DB.Int(t, `SELECT id FROM users WHERE username = 'marketing'`)
	shopper := f.DB.Int(t, `SELECT id FROM users WHERE role = 'customer' ORDER BY id FETCH FIRST 1 ROWS ONLY`)
	for _, tc := range []struct {
		name, body string
		status     int
	}{
		{"customer_account_as_owner_is_400", fmt.Sprintf(`{"owner_id":%d}`, shopper), 400},
		{"unknown_owner_is_400", `{"owner_id":999999}`, 400},
		{"negative_owner_is_400", `{"owner_id":-1}`, 400},
		{"notes_over_4000_bytes_is_400", `{"notes":"` + strings.Repeat("é", 2001) + `"}`, 400},
		{"unknown_status_is_400", `{"status":"won"}`, 400},
		{"empty_body_is_400", `{}`, 400},
		{"score_is_not_patchable", `{"score":100}`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.move(t, id, tc.body); r.Status != tc.status {
				t.Fatalf("= %d %s, want %d", r.Status, r.Body, tc.status)
			}
		})
	}
	r := f.move(t, id, fmt.Sprintf(`{"owner_id":%d,"notes":"Call back Tuesday"}`, marketer))
	if l := decode[Lead](t, r); r.Status != http.StatusOK || l.OwnerID == nil || *l.OwnerID != marketer || l.Notes != "Call back Tuesday" {
		t.Fatalf("owner = %d %s", r.Status, r.Body)
	}
	page := decode[LeadPage](t, f.do(t, "GET", fmt.Sprintf("/api/crm/leads?owner_id=%d", marketer), ""))
	if len(page.Items) != 1 || page.Items[0].ID != id {
		t.Fatalf("owner filter: %+v", page.Items)
	}
	if r := f.move(t, id, `{"owner_id":0}`); r.Status != http.StatusOK || decode[Lead](t, r).OwnerID != nil {
		t.Fatalf("clear owner = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, "PATCH", leadPath(id), `{"notes":"x"}`, "If-Match", `"stale"`); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, "PATCH", leadPath(id), `{"notes":"x"}`); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("no If-Match = %d %s", r.Status, r.Body)
	}
}
