package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// probe is the call that proves a function serves: an HTTP GET of path, or a plain invocation.
type probe struct {
	path      string // "" for a plain invocation of {}
	anyStatus bool   // accept any status below 500 (parameterised routes, hello-world)
}

// probeFor picks the function's first GET route without parameters, else its first GET route with
// parameters filled with "1", else a plain invocation.
func probeFor(fn manifest.Function) probe {
	// Prefer a public GET without parameters (a real 200 with data), then any public GET, then a
	// protected GET: called on the bare socket it has no principal, so any answer counts; the cold
	// start (exec, configuration, database, routing) is the same.
	var best probe
	rank := 0
	for _, r := range fn.Routes {
		if r.Method != http.MethodGet {
			continue
		}
		p, k := probe{path: fillParams(r.Path), anyStatus: true}, 1
		switch {
		case r.Scope == manifest.Public && !strings.Contains(r.Path, "{"):
			p, k = probe{path: r.Path}, 3
		case r.Scope == manifest.Public:
			k = 2
		}
		if k > rank {
			best, rank = p, k
		}
	}
	return best
}

func fillParams(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "1"
		}
	}
	return strings.Join(segs, "/")
}

// describe names the probe for the report.
func (p probe) describe() string {
	if p.path == "" {
		return "invoke {}"
	}
	return "GET " + p.path
}

// call builds the protocol call the gateway would send for the probe.
func (p probe) call(id int) gateway.Call {
	c := gateway.Call{ID: fmt.Sprintf("bench-%d", id), Deadline: time.Now().Add(30 * time.Second), ContentType: "application/json"}
	if p.path == "" {
		c.Body = []byte("{}")
		return c
	}
	c.ContentType = ""
	c.HTTP = &gateway.HTTPRequest{Method: http.MethodGet, URL: p.path,
		Header: http.Header{"Accept": {"application/json"}, "Host": {"localhost"}}}
	return c
}

// once sends the probe and checks the answer.
func (p probe) once(ctx context.Context, c *gateway.Client) error {
	res, err := c.Do(ctx, p.call(0))
	if err != nil {
		return err
	}
	return p.check(res.Status)
}

func (p probe) check(status int) error {
	if status == http.StatusOK || (p.anyStatus && status < 500) {
		return nil
	}
	return fmt.Errorf("%s answered %d", p.describe(), status)
}
