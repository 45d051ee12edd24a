package crmmarketing

import (
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	dbtest.Fixture
	as map[string]string // the marketing user's gateway headers
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	x := dbtest.OpenFixture(t, func(d *sql.DB, log *slog.Logger) (http.Handler, error) { return New(d, log) })
	return fixture{Fixture: x, as: x.DB.As(t, seed.MarketingUser)}
}

type response struct{ dbtest.Response }

// do sends a request as the marketing user; extra are header name/value pairs.
func (f fixture) do(t *testing.T, method, target, body string, extra ...string) response {
	t.Helper()
	return response{f.Do(method, target, body, f.as, extra...)}
}

func (r response) code(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &e); err != nil {
		t.Fatalf("not a JSON error: %d %s", r.Status, r.Body)
	}
	return e.Error.Code
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("decode %d %s: %v", r.Status, r.Body, err)
	}
	return v
}

// createCampaign creates a campaign and returns its detail and ETag.
func (f fixture) createCampaign(t *testing.T, body string) (CampaignDetail, string) {
	t.Helper()
	r := f.do(t, "POST", "/api/crm/campaigns", body)
	if r.Status != http.StatusCreated || r.ETag == "" {
		t.Fatalf("create = %d %s", r.Status, r.Body)
	}
	return decode[CampaignDetail](t, r), r.ETag
}

// activeCampaign creates and launches a campaign with a budget.
func (f fixture) activeCampaign(t *testing.T, code, budget string) CampaignDetail {
	t.Helper()
	c, tag := f.createCampaign(t, `{"code":"`+code+`","name":"Campaign `+code+`","type":"email","budget":"`+budget+`"}`)
	r := f.do(t, "PATCH", campaignPath(c.ID, ""), `{"status":"active"}`, "If-Match", tag)
	if r.Status != http.StatusOK {
		t.Fatalf("launch = %d %s", r.Status, r.Body)
	}
	return decode[CampaignDetail](t, r)
}

func campaignPath(id int64, suffix string) string {
	return "/api/crm/campaigns/" + strconv.FormatInt(id, 10) + suffix
}

func leadPath(id int64) string { return "/api/crm/leads/" + strconv.FormatInt(id, 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
