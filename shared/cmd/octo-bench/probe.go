package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/seed"
	"github.com/octo-drone-shop/serverless/shared/sqlite"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// probe is the call that proves a function serves: its declared smoke request (func.yaml), made as
// the seeded account of the request's scope, or for the authorizer a customer's token in the API
// Gateway authorizer contract. Every probe must succeed (2xx, or active for the authorizer): the cold
// start is exec to the first successful answer, with the database and the token key really used.
type probe struct {
	method, path, body string
	principal, scopes  string // gateway headers when the smoke request is made as an account
	bearer             string // the same account's token, for calls through the gateway
	authorizer         bool   // body is an authorizer input, and the answer must be active
}

// account is a seeded account and a token for it.
type account struct {
	principal string
	scopes    []string
	token     string
}

// prober builds the probes of a bundle over the benchmark's database and token key.
type prober struct {
	accounts map[manifest.Scope]account
}

// newProber reads the seeded accounts from the database at dbPath and signs their tokens with the
// local development key next to it (created if missing, as the functions would).
func newProber(ctx context.Context, dbPath string) (*prober, error) {
	settings := identity.TokenSettings{Issuer: identity.DefaultTokenIssuer, Audience: identity.DefaultTokenAudience,
		LocalKeyFile: filepath.Join(filepath.Dir(dbPath), identity.LocalKeyFileName)}
	key, err := settings.SigningKey(ctx, nil)
	if err != nil {
		return nil, err
	}
	issuer, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: settings.Issuer, Audience: settings.Audience, TTL: time.Hour})
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	p := &prober{accounts: map[manifest.Scope]account{}}
	for _, scope := range []manifest.Scope{manifest.Customer, manifest.Staff, manifest.Admin} {
		username := seed.AccountFor(scope)
		var id, customerID int64
		var role string
		err := db.QueryRowContext(ctx, "SELECT id, role, COALESCE(customer_id, 0) FROM users WHERE username = ?", username).
			Scan(&id, &role, &customerID)
		if err != nil {
			return nil, fmt.Errorf("seeded account %s (run octo seed): %w", username, err)
		}
		g := identity.Grant{UserID: id, Scopes: identity.ScopesForRole(role), CustomerID: customerID}
		tok, err := issuer.Issue(g)
		if err != nil {
			return nil, err
		}
		p.accounts[scope] = account{principal: identity.LocalPrincipal(id), scopes: g.Scopes, token: tok}
	}
	return p, nil
}

// probeFor returns fn's probe.
func (pr *prober) probeFor(fn manifest.Function) (probe, error) {
	if fn.Authorizer {
		in, err := json.Marshal(gateway.AuthorizerInput{Type: "USER_DEFINED",
			Data: map[string]string{"token": "Bearer " + pr.accounts[manifest.Customer].token}})
		return probe{body: string(in), authorizer: true}, err
	}
	s := fn.Smoke
	if s == nil {
		return probe{}, fmt.Errorf("function %s declares no smoke request", fn.Name)
	}
	p := probe{method: s.Method, path: s.Path, body: s.Body}
	if s.As != "" {
		a, ok := pr.accounts[s.As]
		if !ok {
			return probe{}, fmt.Errorf("function %s: no seeded account for scope %s", fn.Name, s.As)
		}
		p.principal, p.scopes, p.bearer = a.principal, strings.Join(a.scopes, " "), a.token
	}
	return p, nil
}

// describe names the probe for the report.
func (p probe) describe() string {
	switch {
	case p.authorizer:
		return "authorize a customer token"
	case p.principal != "":
		return p.method + " " + p.path + " (signed in)"
	}
	return p.method + " " + p.path
}

// call builds the protocol call the gateway would send for the probe.
func (p probe) call(id int) gateway.Call {
	c := gateway.Call{ID: fmt.Sprintf("bench-%d", id), Deadline: time.Now().Add(30 * time.Second)}
	if p.authorizer {
		c.ContentType, c.Body = "application/json", []byte(p.body)
		return c
	}
	h := http.Header{"Accept": {"application/json"}, "Host": {"localhost"}, web.RealIPHeader: {"127.0.0.1"}}
	if p.body != "" {
		h.Set("Content-Type", "application/json")
		c.Body = []byte(p.body)
	}
	if p.principal != "" {
		h.Set(web.PrincipalHeader, p.principal)
		h.Set(web.ScopesHeader, p.scopes)
	}
	c.HTTP = &gateway.HTTPRequest{Method: p.method, URL: p.path, Header: h}
	return c
}

// once sends the probe and checks the answer.
func (p probe) once(ctx context.Context, c *gateway.Client) error {
	res, err := c.Do(ctx, p.call(0))
	if err != nil {
		return err
	}
	return p.check(res.Status, res.Body)
}

// check accepts a 2xx answer; for the authorizer, one that says the token is active.
func (p probe) check(status int, body []byte) error {
	if status < 200 || status > 299 {
		return fmt.Errorf("%s answered %d: %.200s", p.describe(), status, body)
	}
	if p.authorizer {
		var out gateway.AuthorizerOutput
		if err := json.Unmarshal(body, &out); err != nil || !out.Active {
			return fmt.Errorf("%s: the authorizer did not accept the token: %.200s", p.describe(), body)
		}
	}
	return nil
}
