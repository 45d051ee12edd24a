package crmsupport

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify/notifytest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct{ dbtest.Fixture }

func newFixture(t *testing.T) fixture {
	t.Helper()
	return fixture{dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) {
		return New(d, log, notifytest.Config(t, t.TempDir()), nil)
	})}
}

type response = dbtest.Response

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	return f.Do(method, target, body, headers, extra...)
}

// newTicket opens a ticket of the shopper's customer, created age ago.
func (f fixture) newTicket(t *testing.T, priority string, age time.Duration) int64 {
	t.Helper()
	at := time.Now().UTC().Add(-age).Truncate(time.Millisecond)
	id, err := db.InsertReturningID(context.Background(), f.DB, `INSERT INTO tickets (customer_id, subject, description, status, priority, created_at, updated_at)
VALUES ((SELECT customer_id FROM users WHERE username = :1), 'Gimbal drift', 'It drifts', 'open', :2, :3, :4) RETURNING id INTO :5`,
		seed.ShopperUser, priority, at, at)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func path(id int64, suffix string) string {
	return "/api/crm/tickets/" + strconv.FormatInt(id, 10) + suffix
}

func TestAgentReplyIsMailedAndTheNoteIsInternal(t *testing.T) {
	f := newFixture(t)
	agent := f.DB.As(t, seed.SupportUser)
	id := f.newTicket(t, "high", time.Hour)
	if r := f.do(t, "POST", path(id, "/messages"), `{"message":"Customer is a reseller","internal":true}`, agent); r.Status != http.StatusOK {
		t.Fatalf("note: %d %s", r.Status, r.Body)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'ticket_reply'`); n != 0 {
		t.Fatal("an internal note was mailed")
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND status = 'open'`, id); n != 1 {
		t.Fatal("an internal note moved the ticket")
	}
	r := f.do(t, "POST", path(id, "/messages"), `{"message":"Please update to firmware 2.2."}`, agent)
	if r.Status != http.StatusOK {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	var d Ticket
	_ = json.Unmarshal([]byte(r.Body), &d)
	if d.Status != "in_progress" || len(d.Messages) != 2 || !d.Messages[0].Internal || d.Messages[1].Internal || d.Messages[1].SenderType != "agent" || d.Messages[1].Author != seed.SupportUser {
		t.Fatalf("detail %+v", d)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = :1 AND is_internal = 1`, id) != 1 ||
		f.DB.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'ticket_reply' AND recipient = 'jordan.blake@example.com'`) != 1 {
		t.Fatal("want one internal row and one reply mailed to the customer")
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.message' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 2 {
		t.Fatalf("%d audit rows, want 2", n)
	}
	f.DB.Exec(t, `UPDATE tickets SET status = 'closed' WHERE id = :1`, id)
	if r := f.do(t, "POST", path(id, "/messages"), `{"message":"late"}`, agent); r.Status != http.StatusConflict {
		t.Fatalf("closed: %d, want 409", r.Status)
	}
}

func TestPatchNeedsACurrentIfMatchAndFollowsTheMachine(t *testing.T) {
	f := newFixture(t)
	agent := f.DB.As(t, seed.SupportUser)
	id := f.newTicket(t, "low", time.Hour)
	d := f.do(t, "GET", path(id, ""), "", agent)
	if d.Status != http.StatusOK || d.ETag == "" || d.Statements != 2 {
		t.Fatalf("detail %d etag %q (%d statements)", d.Status, d.ETag, d.Statements)
	}
	if r := f.do(t, "PATCH", path(id, ""), `{"priority":"urgent"}`, agent); r.Status != http.StatusPreconditionRequired {
		t.Fatalf("no If-Match: %d", r.Status)
	}
	f.DB.Exec(t, `UPDATE tickets SET priority = 'medium', updated_at = :1 WHERE id = :2`, time.Now().UTC().Truncate(time.Millisecond), id)
	if r := f.do(t, "PATCH", path(id, ""), `{"priority":"urgent"}`, agent, "If-Match", d.ETag); r.Status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d", r.Status)
	}
	if f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND priority = 'medium'`, id) != 1 || f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.update'`) != 0 {
		t.Fatal("a refused PATCH changed something")
	}
	d = f.do(t, "GET", path(id, ""), "", agent)
	if r := f.do(t, "PATCH", path(id, ""), `{"status":"resolved"}`, agent, "If-Match", d.ETag); r.Status != http.StatusConflict || !strings.Contains(r.Body, "invalid_transition") {
		t.Fatalf("open -> resolved: %d %s, want 409", r.Status, r.Body)
	}
	r := f.do(t, "PATCH", path(id, ""), `{"status":"in_progress","priority":"urgent"}`, agent, "If-Match", d.ETag)
	if r.Status != http.StatusOK || r.ETag == d.ETag {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	r = f.do(t, "PATCH", path(id, ""), `{"status":"resolved"}`, agent, "If-Match", r.ETag)
	if r.Status != http.StatusOK || f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND resolved_at IS NOT NULL AND priority = 'urgent'`, id) != 1 {
		t.Fatalf("resolve: %d %s", r.Status, r.Body)
	}
	var details string
	_ = f.DB.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'ticket.update' ORDER BY id FETCH FIRST 1 ROWS ONLY`).Scan(&details)
	if !strings.Contains(details, `"before":{"priority":"medium","status":"open"}`) || !strings.Contains(details, `"after":{"priority":"urgent","status":"in_progress"}`) {
		t.Fatalf("audit details %s", details)
	}
}

func TestAssignOnlyToSupportStaff(t *testing.T) {
	f := newFixture(t)
	agent := f.DB.As(t, seed.SupportUser)
	id := f.newTicket(t, "medium", time.Hour)
	supportID := f.DB.Int(t, `SELECT id FROM users WHERE username = :1`, seed.SupportUser)
	for _, bad := range []string{seed.ShopperUser, seed.MarketingUser, seed.FulfillmentUser} {
		other := f.DB.Int(t, `SELECT id FROM users WHERE username = :1`, bad)
		if r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":`+strconv.FormatInt(other, 10)+`}`, agent); r.Status != http.StatusBadRequest {
			t.Errorf("assign to %s: %d, want 400", bad, r.Status)
		}
	}
	r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":`+strconv.FormatInt(supportID, 10)+`}`, agent)
	if r.Status != http.StatusOK || f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND assigned_to = :2`, id, supportID) != 1 {
		t.Fatalf("assign: %d %s", r.Status, r.Body)
	}
	if r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":null}`, agent); r.Status != http.StatusOK || f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND assigned_to IS NULL`, id) != 1 {
		t.Fatalf("unassign: %d", r.Status)
	}
	if n := f.DB.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.assign' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 2 {
		t.Fatalf("%d assign audits, want 2", n)
	}
}

func TestQueueIsUnassignedFirstWithSLAAndConstantStatements(t *testing.T) {
	f := newFixture(t)
	agent := f.DB.As(t, seed.SupportUser)
	supportID := f.DB.Int(t, `SELECT id FROM users WHERE username = :1`, seed.SupportUser)
	for i := range 110 {
		id := f.newTicket(t, "medium", time.Duration(i)*time.Minute)
		if i%2 == 0 {
			f.DB.Exec(t, `UPDATE tickets SET assigned_to = :1 WHERE id = :2`, supportID, id)
		}
	}
	late := f.newTicket(t, "urgent", 5*time.Hour)
	small := f.do(t, "GET", "/api/crm/tickets?limit=10", "", agent)
	large := f.do(t, "GET", "/api/crm/tickets?limit=100", "", agent)
	if small.Statements != 1 || large.Statements != 1 {
		t.Fatalf("statements %d (10 rows) and %d (100 rows), want 1", small.Statements, large.Statements)
	}
	var q Queue
	_ = json.Unmarshal([]byte(large.Body), &q)
	if len(q.Items) != 100 {
		t.Fatalf("%d items", len(q.Items))
	}
	seenAssigned := false
	for i, it := range q.Items {
		if it.AssigneeID != nil {
			seenAssigned = true
		} else if seenAssigned {
			t.Fatalf("item %d unassigned after an assigned one", i)
		}
		if i > 0 && (it.AssigneeID == nil) == (q.Items[i-1].AssigneeID == nil) && it.CreatedAt.Before(q.Items[i-1].CreatedAt) {
			t.Fatalf("item %d is older than the one before it", i)
		}
		if it.ID == late && !it.SLABreached {
			t.Fatal("a 5-hour-old urgent ticket is not flagged")
		}
	}
	// Keyset pages walk the whole queue once.
	total := f.DB.Int(t, `SELECT COUNT(*) FROM tickets WHERE status IN ('open', 'in_progress')`)
	seen, cursor := map[int64]bool{}, ""
	for range 20 {
		target := "/api/crm/tickets?limit=15"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		var p Queue
		_ = json.Unmarshal([]byte(f.do(t, "GET", target, "", agent).Body), &p)
		for _, it := range p.Items {
			if seen[it.ID] {
				t.Fatalf("ticket %d twice", it.ID)
			}
			seen[it.ID] = true
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if int64(len(seen)) != total {
		t.Fatalf("paged %d of %d", len(seen), total)
	}
	var none Queue
	_ = json.Unmarshal([]byte(f.do(t, "GET", "/api/crm/tickets?assignee=none&priority=urgent&limit=100", "", agent).Body), &none)
	found := false
	for _, it := range none.Items {
		found = found || it.ID == late
		if it.AssigneeID != nil || it.Priority != "urgent" {
			t.Fatalf("assignee=none&priority=urgent answered %+v", it)
		}
	}
	if !found {
		t.Fatalf("assignee=none&priority=urgent: %+v lacks %d", none.Items, late)
	}
	for _, bad := range []string{"status=gone", "priority=meh", "assignee=x", "older_than_hours=-1", "limit=101", "cursor=abc"} {
		if r := f.do(t, "GET", "/api/crm/tickets?"+bad, "", agent); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.Status)
		}
	}
}
