package crmmarketing

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/dbtest"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

type fixture struct {
	db *dbtest.DB
	h  http.Handler
	as map[string]string // the marketing user's gateway headers
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	d := dbtest.Open(t, dbtest.Options{Seed: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := New(d.DB, log)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{db: d, h: security.New(security.Config{}, d.DB, nil, log).Middleware(h), as: d.As(t, seed.MarketingUser)}
}

type response struct {
	status int
	body   string
	etag   string
	stmts  int
}

// do sends a request as the marketing user; extra are header name/value pairs.
func (f fixture) do(t *testing.T, method, target, body string, extra ...string) response {
	t.Helper()
	h := map[string]string{}
	for k, v := range f.as {
		h[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h[extra[i]] = extra[i+1]
	}
	s := dbtest.Serve(f.h, method, target, body, h)
	return response{status: s.Status, body: string(s.Body), stmts: s.Statements, etag: s.Header.Get("ETag")}
}

func (r response) code(t *testing.T) string {
	t.Helper()
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("not a JSON error: %d %s", r.status, r.body)
	}
	return e.Error.Code
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %d %s: %v", r.status, r.body, err)
	}
	return v
}

// createCampaign creates a campaign and returns its detail and ETag.
func (f fixture) createCampaign(t *testing.T, body string) (CampaignDetail, string) {
	t.Helper()
	r := f.do(t, "POST", "/api/crm/campaigns", body)
	if r.status != http.StatusCreated || r.etag == "" {
		t.Fatalf("create = %d %s", r.status, r.body)
	}
	return decode[CampaignDetail](t, r), r.etag
}

// activeCampaign creates and launches a campaign with a budget.
func (f fixture) activeCampaign(t *testing.T, code, budget string) CampaignDetail {
	t.Helper()
	c, tag := f.createCampaign(t, `{"code":"`+code+`","name":"Campaign `+code+`","type":"email","budget":"`+budget+`"}`)
	r := f.do(t, "PATCH", campaignPath(c.ID, ""), `{"status":"active"}`, "If-Match", tag)
	if r.status != http.StatusOK {
		t.Fatalf("launch = %d %s", r.status, r.body)
	}
	return decode[CampaignDetail](t, r)
}

func campaignPath(id int64, suffix string) string {
	return "/api/crm/campaigns/" + strconv.FormatInt(id, 10) + suffix
}

func leadPath(id int64) string { return "/api/crm/leads/" + strconv.FormatInt(id, 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
