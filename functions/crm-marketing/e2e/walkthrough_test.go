package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/stacktest"
)

// TestMain builds every function of the bundle so the gateway runs the real binaries.
func TestMain(m *testing.M) { os.Exit(stacktest.Main(m, "../../..")) }

type stack struct {
	*stacktest.Stack
	t *testing.T
}

type answer struct {
	status int
	header http.Header
	raw    string
}

func (s stack) do(method, path, bearer string, body any, header ...string) answer {
	s.t.Helper()
	a := s.Do(s.t, method, path, bearer, body, header...)
	return answer{status: a.Status, header: a.Header, raw: a.Body}
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.raw), v); err != nil {
		t.Fatalf("decode %d %s: %v", a.status, a.raw, err)
	}
}

func (s stack) login(email, password string) string {
	s.t.Helper()
	return s.Login(s.t, email, password)
}

type lead struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	CustomerID *int64 `json:"customer_id"`
	CampaignID *int64 `json:"campaign_id"`
}

// TestMarketingWalkThrough is the Done-when line through the gateway with real logins:
// marketing creates a campaign with a code; a lead captured with that code lands on it; qualifying and
// converting it creates the customer; the funnel counts it. Support is refused every marketing route.
func TestMarketingWalkThrough(t *testing.T) {
	s := stack{Stack: stacktest.Start(t, stacktest.Options{}), t: t}
	marketing := s.login("marketing@octo-drone-shop.example", seed.MarketingPassword)
	support := s.login("support@octo-drone-shop.example", seed.SupportPassword)
	const email = "Dana@Walkthrough-Survey.example"

	var campaign struct {
		ID     int64  `json:"id"`
		Code   string `json:"code"`
		Status string `json:"status"`
	}
	created := s.do("POST", "/api/crm/campaigns", marketing, map[string]any{"code": "E2E-SUMMER", "name": "E2E Summer survey push",
		"type": "email", "budget": "5000.00"})
	created.decode(t, &campaign)
	if created.status != http.StatusCreated || campaign.Code != "E2E-SUMMER" || campaign.Status != "draft" {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	path := "/api/crm/campaigns/" + strconv.FormatInt(campaign.ID, 10)
	enquiry := map[string]any{"email": email, "name": "Dana Cho", "company": "Walkthrough Survey", "campaign_code": "e2e-summer",
		"source": "web", "message": "Quote for 4 mapping drones", "consent": true}
	if a := s.do("POST", "/api/leads", "", enquiry); a.status != http.StatusUnprocessableEntity {
		t.Fatalf("a lead for a draft campaign: %d %s, want 422", a.status, a.raw)
	}
	if a := s.do("PATCH", path, marketing, map[string]any{"status": "active"}, "If-Match", created.header.Get("ETag")); a.status != http.StatusOK {
		t.Fatalf("launch: %d %s", a.status, a.raw)
	}
	if a := s.do("POST", "/api/leads", "", enquiry); a.status != http.StatusAccepted {
		t.Fatalf("capture: %d %s", a.status, a.raw)
	}
	var page struct {
		Items []lead `json:"items"`
	}
	list := s.do("GET", "/api/crm/leads?campaign_id="+strconv.FormatInt(campaign.ID, 10), marketing, nil)
	list.decode(t, &page)
	if list.status != http.StatusOK || len(page.Items) != 1 || page.Items[0].Status != "new" {
		t.Fatalf("the captured lead is not on the campaign: %d %s", list.status, list.raw)
	}
	leadPath := "/api/crm/leads/" + strconv.FormatInt(page.Items[0].ID, 10)
	var got lead
	for _, step := range []string{"contacted", "qualified", "converted"} {
		cur := s.do("GET", leadPath, marketing, nil)
		a := s.do("PATCH", leadPath, marketing, map[string]any{"status": step, "notes": "walk-through: " + step}, "If-Match", cur.header.Get("ETag"))
		if a.status != http.StatusOK {
			t.Fatalf("-> %s: %d %s", step, a.status, a.raw)
		}
		got = lead{}
		a.decode(t, &got)
	}
	if got.CustomerID == nil {
		t.Fatal("the converted lead has no customer")
	}
	admin := s.login("admin@octo-drone-shop.example", seed.AdminPassword)
	cust := s.do("GET", "/api/crm/customers/"+strconv.FormatInt(*got.CustomerID, 10), admin, nil)
	if cust.status != http.StatusOK || !strings.Contains(cust.raw, `"email":"`+email+`"`) {
		t.Fatalf("the customer: %d %s", cust.status, cust.raw)
	}
	var funnel struct {
		Leads     int64            `json:"leads"`
		Converted int64            `json:"converted"`
		ByStatus  map[string]int64 `json:"by_status"`
	}
	f := s.do("GET", path+"/funnel", marketing, nil)
	f.decode(t, &funnel)
	if f.status != http.StatusOK || funnel.Leads != 1 || funnel.Converted != 1 || funnel.ByStatus["converted"] != 1 {
		t.Fatalf("funnel: %d %s", f.status, f.raw)
	}

	t.Run("support_is_refused_every_marketing_route", func(t *testing.T) {
		n := 0
		for _, rt := range s.Bundle.Routes() {
			if rt.Permission != "marketing" {
				continue
			}
			n++
			id := campaign.ID
			if strings.HasPrefix(rt.Path, "/api/crm/leads/") {
				id = page.Items[0].ID
			}
			p := strings.ReplaceAll(rt.Path, "{id}", strconv.FormatInt(id, 10))
			var body any
			if rt.Method != http.MethodGet {
				body = map[string]any{}
			}
			if a := s.do(rt.Method, p, support, body); a.status != http.StatusForbidden {
				t.Errorf("support %s %s: %d, want 403", rt.Method, p, a.status)
			}
			if rt.Method == http.MethodGet {
				if a := s.do(rt.Method, p, marketing, nil); a.status != http.StatusOK {
					t.Errorf("marketing %s %s: %d %s", rt.Method, p, a.status, a.raw)
				}
			}
		}
		if n != 9 {
			t.Fatalf("%d marketing routes, want 9", n)
		}
	})
}
