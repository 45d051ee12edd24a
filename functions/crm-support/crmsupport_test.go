package crmsupport

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mail, err := notify.ConfigFromEnv(func(k string) string {
		return map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_MAIL_DIR": t.TempDir()}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(d.DB, log, mail, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: security.New(security.Config{}, d.DB, nil, log).Middleware(h)}
}

type response struct {
	status int
	body   string
	etag   string
	stmts  int
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string, extra ...string) response {
	t.Helper()
	h := map[string]string{}
	for k, v := range headers {
		h[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	s := dbtest.Serve(f.h, method, target, body, h)
	return response{status: s.Status, body: string(s.Body), stmts: s.Statements, etag: s.Header.Get("ETag")}
}

// newTicket opens a ticket of the shopper's customer, created age ago.
func (f fixture) newTicket(t *testing.T, priority string, age time.Duration) int64 {
	t.Helper()
	at := time.Now().UTC().Add(-age).Truncate(time.Millisecond)
	id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO tickets (customer_id, subject, description, status, priority, created_at, updated_at)
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
	agent := f.db.As(t, seed.SupportUser)
	id := f.newTicket(t, "high", time.Hour)
	if r := f.do(t, "POST", path(id, "/messages"), `{"message":"Customer is a reseller","internal":true}`, agent); r.status != http.StatusOK {
		t.Fatalf("note: %d %s", r.status, r.body)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'ticket_reply'`); n != 0 {
		t.Fatal("an internal note was mailed")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND status = 'open'`, id); n != 1 {
		t.Fatal("an internal note moved the ticket")
	}
	r := f.do(t, "POST", path(id, "/messages"), `{"message":"Please update to firmware 2.2."}`, agent)
	if r.status != http.StatusOK {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	var d Ticket
	_ = json.Unmarshal([]byte(r.body), &d)
	if d.Status != "in_progress" || len(d.Messages) != 2 || !d.Messages[0].Internal || d.Messages[1].Internal || d.Messages[1].SenderType != "agent" || d.Messages[1].Author != seed.SupportUser {
		t.Fatalf("detail %+v", d)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = :1 AND is_internal = 1`, id) != 1 ||
		f.db.Int(t, `SELECT COUNT(*) FROM notification_outbox WHERE template = 'ticket_reply' AND recipient = 'jordan.blake@example.com'`) != 1 {
		t.Fatal("want one internal row and one reply mailed to the customer")
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.message' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 2 {
		t.Fatalf("%d audit rows, want 2", n)
	}
	f.db.Exec(t, `UPDATE tickets SET status = 'closed' WHERE id = :1`, id)
	if r := f.do(t, "POST", path(id, "/messages"), `{"message":"late"}`, agent); r.status != http.StatusConflict {
		t.Fatalf("closed: %d, want 409", r.status)
	}
}

func TestPatchNeedsACurrentIfMatchAndFollowsTheMachine(t *testing.T) {
	f := newFixture(t)
	agent := f.db.As(t, seed.SupportUser)
	id := f.newTicket(t, "low", time.Hour)
	d := f.do(t, "GET", path(id, ""), "", agent)
	if d.status != http.StatusOK || d.etag == "" || d.stmts != 2 {
		t.Fatalf("detail %d etag %q (%d statements)", d.status, d.etag, d.stmts)
	}
	if r := f.do(t, "PATCH", path(id, ""), `{"priority":"urgent"}`, agent); r.status != http.StatusPreconditionRequired {
		t.Fatalf("no If-Match: %d", r.status)
	}
	f.db.Exec(t, `UPDATE tickets SET priority = 'medium', updated_at = :1 WHERE id = :2`, time.Now().UTC().Truncate(time.Millisecond), id)
	if r := f.do(t, "PATCH", path(id, ""), `{"priority":"urgent"}`, agent, "If-Match", d.etag); r.status != http.StatusPreconditionFailed {
		t.Fatalf("stale If-Match: %d", r.status)
	}
	if f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND priority = 'medium'`, id) != 1 || f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.update'`) != 0 {
		t.Fatal("a refused PATCH changed something")
	}
	d = f.do(t, "GET", path(id, ""), "", agent)
	if r := f.do(t, "PATCH", path(id, ""), `{"status":"resolved"}`, agent, "If-Match", d.etag); r.status != http.StatusConflict || !strings.Contains(r.body, "invalid_transition") {
		t.Fatalf("open -> resolved: %d %s, want 409", r.status, r.body)
	}
	r := f.do(t, "PATCH", path(id, ""), `{"status":"in_progress","priority":"urgent"}`, agent, "If-Match", d.etag)
	if r.status != http.StatusOK || r.etag == d.etag {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r = f.do(t, "PATCH", path(id, ""), `{"status":"resolved"}`, agent, "If-Match", r.etag)
	if r.status != http.StatusOK || f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND resolved_at IS NOT NULL AND priority = 'urgent'`, id) != 1 {
		t.Fatalf("resolve: %d %s", r.status, r.body)
	}
	var details string
	_ = f.db.QueryRowContext(t.Context(), `SELECT details FROM audit_logs WHERE action = 'ticket.update' ORDER BY id FETCH FIRST 1 ROWS ONLY`).Scan(&details)
	if !strings.Contains(details, `"before":{"priority":"medium","status":"open"}`) || !strings.Contains(details, `"after":{"priority":"urgent","status":"in_progress"}`) {
		t.Fatalf("audit details %s", details)
	}
}

func TestAssignOnlyToSupportStaff(t *testing.T) {
	f := newFixture(t)
	agent := f.db.As(t, seed.SupportUser)
	id := f.newTicket(t, "medium", time.Hour)
	supportID := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, seed.SupportUser)
	for _, bad := range []string{seed.ShopperUser, seed.MarketingUser, seed.FulfillmentUser} {
		other := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, bad)
		if r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":`+strconv.FormatInt(other, 10)+`}`, agent); r.status != http.StatusBadRequest {
			t.Errorf("assign to %s: %d, want 400", bad, r.status)
		}
	}
	r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":`+strconv.FormatInt(supportID, 10)+`}`, agent)
	if r.status != http.StatusOK || f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND assigned_to = :2`, id, supportID) != 1 {
		t.Fatalf("assign: %d %s", r.status, r.body)
	}
	if r := f.do(t, "POST", path(id, "/assign"), `{"assignee_id":null}`, agent); r.status != http.StatusOK || f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE id = :1 AND assigned_to IS NULL`, id) != 1 {
		t.Fatalf("unassign: %d", r.status)
	}
	if n := f.db.Int(t, `SELECT COUNT(*) FROM audit_logs WHERE action = 'ticket.assign' AND entity_id = :1`, strconv.FormatInt(id, 10)); n != 2 {
		t.Fatalf("%d assign audits, want 2", n)
	}
}

func TestQueueIsUnassignedFirstWithSLAAndConstantStatements(t *testing.T) {
	f := newFixture(t)
	agent := f.db.As(t, seed.SupportUser)
	supportID := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, seed.SupportUser)
	for i := range 110 {
		id := f.newTicket(t, "medium", time.Duration(i)*time.Minute)
		if i%2 == 0 {
			f.db.Exec(t, `UPDATE tickets SET assigned_to = :1 WHERE id = :2`, supportID, id)
		}
	}
	late := f.newTicket(t, "urgent", 5*time.Hour)
	small := f.do(t, "GET", "/api/crm/tickets?limit=10", "", agent)
	large := f.do(t, "GET", "/api/crm/tickets?limit=100", "", agent)
	if small.stmts != 1 || large.stmts != 1 {
		t.Fatalf("statements %d (10 rows) and %d (100 rows), want 1", small.stmts, large.stmts)
	}
	var q Queue
	_ = json.Unmarshal([]byte(large.body), &q)
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
	total := f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE status IN ('open', 'in_progress')`)
	seen, cursor := map[int64]bool{}, ""
	for range 20 {
		target := "/api/crm/tickets?limit=15"
		if cursor != "" {
			target += "&cursor=" + cursor
		}
		var p Queue
		_ = json.Unmarshal([]byte(f.do(t, "GET", target, "", agent).body), &p)
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
	_ = json.Unmarshal([]byte(f.do(t, "GET", "/api/crm/tickets?assignee=none&priority=urgent&limit=100", "", agent).body), &none)
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
		if r := f.do(t, "GET", "/api/crm/tickets?"+bad, "", agent); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, r.status)
		}
	}
}
