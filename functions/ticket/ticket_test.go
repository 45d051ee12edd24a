package ticket

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/seed"
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

type response struct {
	status int
	body   []byte
	stmts  int
}

func (f fixture) do(t *testing.T, method, target, body string, headers map[string]string) response {
	t.Helper()
	s := dbtest.Serve(f.h, method, target, body, headers)
	return response{status: s.Status, body: s.Body, stmts: s.Statements}
}

func (r response) decode(t *testing.T, out any) {
	t.Helper()
	dbtest.Decode(t, r.body, out)
}

// errorCode returns the code of a JSON error body, failing when the body is not one.
func (r response) errorCode(t *testing.T) string {
	t.Helper()
	return dbtest.ErrorCode(t, r.body)
}

func principal(userID int64) map[string]string {
	return map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(userID), gateway.ScopesHeader: "customer"}
}

func (f fixture) user(t *testing.T, username string) map[string]string {
	t.Helper()
	return principal(f.db.Int(t, `SELECT id FROM users WHERE username = :1`, username))
}

// otherCustomer signs up an account for a customer other than the shopper's and returns its headers.
func (f fixture) otherCustomer(t *testing.T) map[string]string {
	t.Helper()
	id, err := db.InsertReturningID(context.Background(), f.db, `INSERT INTO users (username, email, password_hash, role, customer_id)
VALUES ('other', 'other@example.com', 'x', 'customer',
    (SELECT MIN(id) FROM customers WHERE id <> (SELECT customer_id FROM users WHERE username = :1)))
RETURNING id INTO :2`, seed.ShopperUser)
	if err != nil {
		t.Fatal(err)
	}
	return principal(id)
}

// open creates a ticket through the API and returns it.
func (f fixture) open(t *testing.T, who map[string]string, title string) Detail {
	t.Helper()
	r := f.do(t, "POST", "/api/tickets", `{"title":"`+title+`","message":"first words"}`, who)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /api/tickets = %d %s", r.status, r.body)
	}
	var d Detail
	r.decode(t, &d)
	return d
}

func path(id int64, suffix string) string {
	return "/api/tickets/" + strconv.FormatInt(id, 10) + suffix
}

func TestOpenListReadAndWrite(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	customer := f.db.Int(t, `SELECT customer_id FROM users WHERE username = :1`, seed.ShopperUser)
	product := f.db.Int(t, `SELECT MIN(id) FROM products`)
	service := f.db.Int(t, `SELECT MIN(id) FROM services`)
	body := `{"title":"Gimbal drift -- O'Brien's unit #7","message":"It drifts left.\nSince firmware 2.1","priority":"high",` +
		`"product_id":` + strconv.FormatInt(product, 10) + `,"service_id":` + strconv.FormatInt(service, 10) + `}`
	r := f.do(t, "POST", "/api/tickets", body, shopper)
	if r.status != http.StatusCreated || r.stmts != 4 {
		t.Fatalf("POST = %d (%d statements) %s", r.status, r.stmts, r.body)
	}
	var created Detail
	r.decode(t, &created)
	if created.Status != Open || created.Priority != "high" || len(created.Messages) != 1 || *created.ProductID != product {
		t.Fatalf("created %+v", created)
	}
	var owner int64
	var subject, message string
	err := f.db.QueryRowContext(context.Background(), `SELECT t.customer_id, t.subject, m.message FROM tickets t
JOIN ticket_messages m ON m.ticket_id = t.id WHERE t.id = :1 AND m.sender_type = 'customer'`, created.ID).Scan(&owner, &subject, &message)
	if err != nil {
		t.Fatal(err)
	}
	if owner != customer || subject != "Gimbal drift -- O'Brien's unit #7" || message != "It drifts left.\nSince firmware 2.1" {
		t.Fatalf("stored customer %d subject %q message %q", owner, subject, message)
	}

	older := f.open(t, shopper, "Older")
	f.db.Exec(t, `UPDATE tickets SET updated_at = created_at WHERE id = :1`, older.ID)
	// A message is activity: the ticket written to last comes first.
	if r := f.do(t, "POST", path(older.ID, "/messages"), `{"message":"any news?"}`, shopper); r.status != http.StatusCreated {
		t.Fatalf("message = %d %s", r.status, r.body)
	}
	want := f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE customer_id = :1`, customer)
	var all []Ticket
	target := "/api/tickets?limit=1"
	for {
		r := f.do(t, "GET", target, "", shopper)
		if r.status != http.StatusOK || r.stmts != 1 {
			t.Fatalf("GET %s = %d, %d statements", target, r.status, r.stmts)
		}
		var page Page
		r.decode(t, &page)
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			break
		}
		target = "/api/tickets?limit=1&cursor=" + *page.NextCursor
	}
	if int64(len(all)) != want || all[0].ID != older.ID || all[0].MessageCount != 2 {
		t.Fatalf("listed %d (want %d), first %+v (want ticket %d with 2 messages)", len(all), want, all[0], older.ID)
	}
	for i := 1; i < len(all); i++ {
		if all[i].UpdatedAt.After(all[i-1].UpdatedAt) {
			t.Fatalf("not newest activity first at %d", i)
		}
	}

	var d Detail
	r = f.do(t, "GET", path(older.ID, ""), "", shopper)
	r.decode(t, &d)
	if r.status != http.StatusOK || len(d.Messages) != 2 || d.Messages[0].Message != "first words" || d.Messages[1].Message != "any news?" {
		t.Fatalf("detail = %d %+v", r.status, d)
	}
	var part Detail
	f.do(t, "GET", path(older.ID, "?limit=1"), "", shopper).decode(t, &part)
	if len(part.Messages) != 1 || part.NextMessagesAfter == nil {
		t.Fatalf("first message page %+v", part)
	}
	f.do(t, "GET", path(older.ID, "?limit=1&after="+strconv.FormatInt(*part.NextMessagesAfter, 10)), "", shopper).decode(t, &part)
	if len(part.Messages) != 1 || part.Messages[0].Message != "any news?" || part.NextMessagesAfter != nil {
		t.Fatalf("second message page %+v", part)
	}
}

func TestAnotherCustomersTicketIs404(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	mine := f.open(t, shopper, "Mine")
	other := f.otherCustomer(t)
	theirs := f.open(t, other, "Theirs")
	messages := f.db.Int(t, `SELECT COUNT(*) FROM ticket_messages`)
	for _, tc := range []struct {
		name, method, target, body string
		who                        map[string]string
	}{
		{"read_other_customers_ticket", "GET", path(mine.ID, ""), "", other},
		{"read_shoppers_view_of_theirs", "GET", path(theirs.ID, ""), "", shopper},
		{"post_to_other_customers_ticket", "POST", path(mine.ID, "/messages"), `{"message":"hi"}`, other},
		{"account_without_customer_reads", "GET", path(mine.ID, ""), "", f.user(t, seed.AdminUser)},
		{"account_without_customer_posts", "POST", path(mine.ID, "/messages"), `{"message":"hi"}`, f.user(t, seed.AdminUser)},
		{"external_principal_reads", "GET", path(mine.ID, ""), "", map[string]string{gateway.PrincipalHeader: "oidc:x"}},
		{"unknown_ticket", "GET", path(99999999, ""), "", shopper},
		{"malformed_id", "GET", "/api/tickets/abc", "", shopper},
		{"leading_zero", "GET", "/api/tickets/0" + strconv.FormatInt(mine.ID, 10), "", shopper},
		{"plus_sign", "POST", "/api/tickets/+" + strconv.FormatInt(mine.ID, 10) + "/messages", `{"message":"hi"}`, shopper},
	} {
		t.Run(tc.name+"_is_404", func(t *testing.T) {
			r := f.do(t, tc.method, tc.target, tc.body, tc.who)
			if r.status != http.StatusNotFound || r.errorCode(t) != "not_found" {
				t.Fatalf("= %d %s", r.status, r.body)
			}
			if n := f.db.Int(t, `SELECT COUNT(*) FROM ticket_messages`); n != messages {
				t.Fatalf("messages %d -> %d", messages, n)
			}
		})
	}
	var page Page
	f.do(t, "GET", "/api/tickets", "", other).decode(t, &page)
	otherCustomer := f.db.Int(t, `SELECT customer_id FROM tickets WHERE id = :1`, theirs.ID)
	if int64(len(page.Items)) != f.db.Int(t, `SELECT COUNT(*) FROM tickets WHERE customer_id = :1`, otherCustomer) || page.Items[0].ID != theirs.ID {
		t.Fatalf("the other customer lists %+v, want their own, ticket %d first", page.Items, theirs.ID)
	}
	for _, it := range page.Items {
		if it.ID == mine.ID {
			t.Fatalf("the other customer lists the shopper's ticket %d", mine.ID)
		}
	}
	if r := f.do(t, "GET", "/api/tickets", "", nil); r.status != http.StatusUnauthorized {
		t.Fatalf("no principal = %d", r.status)
	}
}

func TestMessagesFollowTheStatusMachine(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	for _, tc := range []struct {
		name  string
		from  Status
		to    Status
		fails bool
	}{
		{"open_stays_open", Open, Open, false},
		{"in_progress_stays_in_progress", InProgress, InProgress, false},
		{"resolved_is_reopened", Resolved, Open, false},
		{"closed_refuses_with_409", Closed, Closed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := f.open(t, shopper, tc.name)
			f.db.Exec(t, `UPDATE tickets SET status = :1, resolved_at = CASE WHEN :2 IN ('resolved', 'closed') THEN created_at END WHERE id = :3`,
				string(tc.from), string(tc.from), tk.ID)
			before := f.db.Int(t, `SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = :1`, tk.ID)
			r := f.do(t, "POST", path(tk.ID, "/messages"), `{"message":"still broken"}`, shopper)
			after := f.db.Int(t, `SELECT COUNT(*) FROM ticket_messages WHERE ticket_id = :1`, tk.ID)
			if tc.fails {
				if r.status != http.StatusConflict || r.errorCode(t) != "ticket_closed" || after != before {
					t.Fatalf("= %d %s, messages %d -> %d", r.status, r.body, before, after)
				}
			} else {
				var a MessageAnswer
				r.decode(t, &a)
				if r.status != http.StatusCreated || a.TicketStatus != tc.to || after != before+1 {
					t.Fatalf("= %d %s, messages %d -> %d", r.status, r.body, before, after)
				}
			}
			var d Detail
			f.do(t, "GET", path(tk.ID, ""), "", shopper).decode(t, &d)
			if d.Status != tc.to || (d.ResolvedAt != nil) != (tc.to == Resolved || tc.to == Closed) {
				t.Fatalf("stored status %s resolved_at %v, want %s", d.Status, d.ResolvedAt, tc.to)
			}
		})
	}
}

func TestTransitionTable(t *testing.T) {
	all := []Status{Open, InProgress, Resolved, Closed}
	allowed := map[[2]Status]bool{
		{Open, InProgress}: true, {InProgress, Resolved}: true, {Resolved, Closed}: true, {Resolved, Open}: true,
	}
	for _, from := range all {
		for _, to := range all {
			want := allowed[[2]Status{from, to}]
			name := string(from) + "_to_" + string(to)
			if want {
				name += "_is_allowed"
			} else {
				name += "_is_refused"
			}
			t.Run(name, func(t *testing.T) {
				if got := CanTransition(from, to); got != want {
					t.Fatalf("CanTransition = %t", got)
				}
			})
		}
		if got, want := AcceptsMessages(from), from != Closed; got != want {
			t.Errorf("AcceptsMessages(%s) = %t", from, got)
		}
	}
}

func TestBadInputIs4xxAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	tk := f.open(t, shopper, "Existing")
	count := func() int64 {
		return f.db.Int(t, `SELECT (SELECT COUNT(*) FROM tickets) * 100000 + (SELECT COUNT(*) FROM ticket_messages) FROM dual`)
	}
	before := count()
	for _, tc := range []struct {
		name, target, body string
		who                map[string]string
		status             int
		code               string
	}{
		{"missing_title_is_400", "/api/tickets", `{"message":"x"}`, shopper, 400, "invalid_request"},
		{"blank_message_is_400", "/api/tickets", `{"title":"t","message":"  "}`, shopper, 400, "invalid_request"},
		{"title_over_200_is_400", "/api/tickets", `{"title":"` + strings.Repeat("t", 201) + `","message":"m"}`, shopper, 400, "invalid_request"},
		{"whitespace_only_title_is_400", "/api/tickets", `{"title":"\u00a0\u2003","message":"m"}`, shopper, 400, "invalid_request"},
		{"title_with_bidi_override_is_400", "/api/tickets", `{"title":"Refund \u202edeifitrev","message":"m"}`, shopper, 400, "invalid_request"},
		{"title_over_200_bytes_is_400", "/api/tickets", `{"title":"` + strings.Repeat("ü", 101) + `","message":"m"}`, shopper, 400, "invalid_request"},
		{"bad_priority_is_400", "/api/tickets", `{"title":"t","message":"m","priority":"asap"}`, shopper, 400, "invalid_request"},
		{"unknown_product_is_400", "/api/tickets", `{"title":"t","message":"m","product_id":99999999}`, shopper, 400, "invalid_request"},
		{"unknown_service_is_400", "/api/tickets", `{"title":"t","message":"m","service_id":99999999}`, shopper, 400, "invalid_request"},
		{"product_id_as_string_is_400", "/api/tickets", `{"title":"t","message":"m","product_id":"1"}`, shopper, 400, "invalid_request"},
		{"unknown_field_is_400", "/api/tickets", `{"title":"t","message":"m","customer_id":1}`, shopper, 400, "invalid_request"},
		{"no_principal_is_401", "/api/tickets", `{"title":"t","message":"m"}`, nil, 401, "unauthorized"},
		{"account_without_customer_is_403", "/api/tickets", `{"title":"t","message":"m"}`, f.user(t, seed.AdminUser), 403, "no_customer_profile"},
		{"empty_message_post_is_400", path(tk.ID, "/messages"), `{"message":""}`, shopper, 400, "invalid_request"},
		{"message_over_4000_bytes_is_400", path(tk.ID, "/messages"), `{"message":"` + strings.Repeat("ü", 2001) + `"}`, shopper, 400, "invalid_request"},
		{"empty_body_is_400", path(tk.ID, "/messages"), ` `, shopper, 400, "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, "POST", tc.target, tc.body, tc.who)
			if r.status != tc.status || r.errorCode(t) != tc.code {
				t.Fatalf("= %d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if after := count(); after != before {
				t.Fatalf("tickets*100000+messages %d -> %d", before, after)
			}
		})
	}
	for _, tc := range []struct{ name, target string }{
		{"bad_limit_is_400", "/api/tickets?limit=0"},
		{"bad_cursor_is_400", "/api/tickets?cursor=nope"},
		{"bad_after_is_400", path(tk.ID, "?after=x")},
		{"signed_after_is_400", path(tk.ID, "?after=%2B1")},
		{"zero_padded_after_is_400", path(tk.ID, "?after=01")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := f.do(t, "GET", tc.target, "", shopper); r.status != http.StatusBadRequest {
				t.Fatalf("= %d %s", r.status, r.body)
			}
		})
	}
}

func TestInternalNotesNeverReachTheCustomer(t *testing.T) {
	f := newFixture(t)
	shopper := f.user(t, seed.ShopperUser)
	d := f.open(t, shopper, "Where is my order")
	agent := f.db.Int(t, `SELECT id FROM users WHERE username = :1`, seed.SupportUser)
	f.db.Exec(t, `INSERT INTO ticket_messages (ticket_id, sender_type, author_user_id, message, is_internal) VALUES (:1, 'agent', :2, 'internal: customer is a reseller', 1)`, d.ID, agent)
	f.db.Exec(t, `INSERT INTO ticket_messages (ticket_id, sender_type, author_user_id, message, is_internal) VALUES (:1, 'agent', :2, 'It ships today.', 0)`, d.ID, agent)
	r := f.do(t, "GET", path(d.ID, ""), "", shopper)
	if r.status != http.StatusOK || strings.Contains(string(r.body), "reseller") {
		t.Fatalf("GET = %d %s: the internal note must not be there", r.status, r.body)
	}
	var got Detail
	r.decode(t, &got)
	if len(got.Messages) != 2 || got.Messages[1].Message != "It ships today." || got.MessageCount != 2 {
		t.Fatalf("messages %+v (count %d), want the opening message and the agent reply", got.Messages, got.MessageCount)
	}
	if l := f.do(t, "GET", "/api/tickets", "", shopper); strings.Contains(string(l.body), "reseller") || !strings.Contains(string(l.body), `"message_count":2`) {
		t.Fatalf("list %s: want message_count 2 and no note", l.body)
	}
}
