package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// client is one browser: a shopper most of the time, a support agent on the staff console one visit
// in six. It keeps the state a page keeps: its cart, its assistant session, its staff token.
type client struct {
	b       *bench
	id      int
	level   int
	hc      *http.Client
	rng     *rand.Rand
	token   string // the staff user's access token, signed in before the run
	cart    string
	chat    string
	session string // the page-view session id
	beacons sync.WaitGroup
}

// newClient returns browser n of a client count's run, connecting from 127.20.<level>.<n+1>.
func newClient(b *bench, level, n int) *client {
	local := &net.TCPAddr{IP: net.IPv4(127, 20, byte(level), byte(n+1))}
	d := &net.Dialer{LocalAddr: local, Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, MaxConnsPerHost: 6, MaxIdleConnsPerHost: 6,
		IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	return &client{b: b, id: n, level: level, hc: &http.Client{Transport: tr, Timeout: time.Minute},
		rng: rand.New(rand.NewPCG(uint64(level), uint64(n))), session: fmt.Sprintf("bench-%d-%d", level, n)}
}

// call is one API request of a page and the status it must answer.
type call struct {
	method, path string
	body         string
	contentType  string
	header       http.Header
	want         int
	into         any // decodes a successful answer when set
}

// do sends one call and records it; an unexpected status or a failed exchange is an error.
func (c *client) do(ctx context.Context, k call) bool {
	var body io.Reader
	if k.body != "" {
		body = bytes.NewBufferString(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, c.b.base+k.path, body)
	if err != nil {
		c.b.rec.add(sample{route: k.method + " " + k.path, start: time.Now(), err: err.Error()})
		return false
	}
	if k.contentType != "" {
		req.Header.Set("Content-Type", k.contentType)
	}
	for h, vs := range k.header {
		req.Header[h] = vs
	}
	fn, authz := c.b.routes.resolve(req)
	start := time.Now()
	resp, err := c.hc.Do(req)
	s := sample{function: fn, authorized: authz, route: k.method + " " + k.path, start: start}
	if err != nil {
		s.d, s.err = time.Since(start), err.Error()
		c.b.rec.add(s)
		return false
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.d, s.status = time.Since(start), resp.StatusCode
	switch {
	case err != nil:
		s.err = err.Error()
	case resp.StatusCode != k.want:
		s.err = fmt.Sprintf("status %d, want %d: %.200s", resp.StatusCode, k.want, data)
	case k.into != nil:
		if err := json.Unmarshal(data, k.into); err != nil {
			s.err = "answer: " + err.Error()
		}
	}
	s.order = s.err == "" && k.method == http.MethodPost && k.path == "/api/checkout"
	c.b.rec.add(s)
	return s.err == ""
}

// page sends a page's calls together, as a browser does once the page's script runs, then its
// page-view beacon (navigator.sendBeacon: the page does not wait for it). It reports whether every
// call succeeded.
func (c *client) page(ctx context.Context, name string, calls ...call) bool {
	start := time.Now()
	ok := make([]bool, len(calls))
	var wg sync.WaitGroup
	for i, k := range calls {
		wg.Go(func() { ok[i] = c.do(ctx, k) })
	}
	wg.Wait()
	loaded := min(time.Since(start).Milliseconds(), 60000)
	beacon := fmt.Sprintf(`{"page":%q,"session_id":%q,"load_time_ms":%d}`, name, c.session, loaded)
	c.beacons.Go(func() {
		c.do(context.WithoutCancel(ctx), call{method: "POST", path: "/api/page-views", body: beacon, contentType: "text/plain", want: http.StatusNoContent})
	})
	for _, o := range ok {
		if !o {
			return false
		}
	}
	return true
}

// think pauses like a reader between pages; it reports false once the run is over.
func (c *client) think(ctx context.Context) bool {
	lo, hi := c.b.thinkMin, c.b.thinkMax
	d := lo
	if hi > lo {
		d += time.Duration(c.rng.Int64N(int64(hi - lo)))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return time.Now().Before(c.b.rec.end())
	}
}

// run plays visits until the run ends.
func (c *client) run(ctx context.Context) {
	defer c.beacons.Wait()
	for n := 0; time.Now().Before(c.b.rec.end()) && ctx.Err() == nil; n++ {
		if (c.id+n)%6 == 5 {
			c.staffVisit(ctx)
		} else {
			c.shopperVisit(ctx, n)
		}
		if !c.think(ctx) {
			return
		}
	}
}

var (
	searches  = []string{"battery", "thermal", "rtk", "propeller", "camera", "spray", "controller", "lidar"}
	questions = []string{
		"I inspect solar farms. Which camera finds hot spots on the panels?",
		"Which drone can carry it for roof and power line inspections?",
		"And a spare battery for that drone?",
		"What do you have for mapping a 200 hectare farm?",
	}
)

// shopperVisit is the storefront: home, a category, a search, a product with its reviews; every other
// visit adds it to the cart and checks out (every other order with a coupon), every third asks the
// assistant.
func (c *client) shopperVisit(ctx context.Context, n int) {
	b := c.b
	var products struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if !c.page(ctx, "/",
		call{method: "GET", path: "/api/products?limit=20&sort=rating", want: 200, into: &products},
		call{method: "GET", path: "/api/categories", want: 200}) || !c.think(ctx) {
		return
	}
	cat := b.categories[c.rng.IntN(len(b.categories))]
	if !c.page(ctx, "/c/"+cat,
		call{method: "GET", path: "/api/products?sort=price&limit=20&category=" + url.QueryEscape(cat), want: 200}) || !c.think(ctx) {
		return
	}
	q := searches[c.rng.IntN(len(searches))]
	if !c.page(ctx, "/search?q="+q, call{method: "GET", path: "/api/products?limit=20&q=" + q, want: 200}) || !c.think(ctx) {
		return
	}
	pid := strconv.FormatInt(b.buyable[c.rng.IntN(len(b.buyable))], 10)
	if !c.page(ctx, "/products/"+pid,
		call{method: "GET", path: "/api/products/" + pid, want: 200},
		call{method: "GET", path: "/api/products/" + pid + "/reviews?limit=5", want: 200}) {
		return
	}
	if n%2 == 0 {
		if !c.think(ctx) || !c.buy(ctx, pid, n%4 == 0) {
			return
		}
	}
	if n%3 == 1 {
		if !c.think(ctx) {
			return
		}
		var ans struct {
			SessionID string `json:"session_id"`
		}
		msg := map[string]string{"message": questions[c.rng.IntN(len(questions))]}
		if c.chat != "" {
			msg["session_id"] = c.chat
		}
		body, _ := json.Marshal(msg)
		if c.page(ctx, "/assistant", call{method: "POST", path: "/api/assistant/chat", body: string(body),
			contentType: "application/json", want: 200, into: &ans}) {
			c.chat = ans.SessionID
		}
	}
}

// buy adds the product to the cart, shows the cart, previews the coupon when using one, checks out
// with an Idempotency-Key and shows the order page.
func (c *client) buy(ctx context.Context, pid string, coupon bool) bool {
	if c.cart == "" {
		var cart struct {
			ID string `json:"cart_id"`
		}
		if !c.do(ctx, call{method: "POST", path: "/api/carts", want: 201, into: &cart}) {
			return false
		}
		c.cart = cart.ID
	}
	var cart struct {
		Subtotal string `json:"subtotal"`
	}
	if !c.page(ctx, "/cart",
		call{method: "POST", path: "/api/carts/" + c.cart + "/items", body: `{"product_id":` + pid + `,"quantity":1}`,
			contentType: "application/json", want: 200}) ||
		!c.do(ctx, call{method: "GET", path: "/api/carts/" + c.cart, want: 200, into: &cart}) || !c.think(ctx) {
		return false
	}
	seq := c.b.seq.Add(1)
	email := fmt.Sprintf("load-%d-%d-%d@example.com", c.level, c.id, seq)
	code := ""
	if coupon {
		code = `,"coupon_code":"WELCOME10"`
		if !c.page(ctx, "/checkout", call{method: "POST", path: "/api/coupons/validate",
			body:        `{"code":"WELCOME10","subtotal":"` + cart.Subtotal + `","email":"` + email + `"}`,
			contentType: "application/json", want: 200}) || !c.think(ctx) {
			return false
		}
	}
	var order struct {
		Order struct {
			ID int64 `json:"id"`
		} `json:"order"`
		Token string `json:"order_token"`
	}
	body := `{"cart_id":"` + c.cart + `","customer":{"name":"Load Shopper","email":"` + email + `"},` +
		`"shipping_address":"1 Bench Way, Springfield","payment_method":"card"` + code + `}`
	ok := c.do(ctx, call{method: "POST", path: "/api/checkout", body: body, contentType: "application/json",
		header: http.Header{"Idempotency-Key": {"checkout-" + c.cart}}, want: 201, into: &order})
	c.cart = "" // placed or not, the page starts a new cart
	if !ok {
		return false
	}
	return c.page(ctx, "/orders/"+strconv.FormatInt(order.Order.ID, 10), call{method: "GET",
		path: "/api/orders/" + strconv.FormatInt(order.Order.ID, 10), header: http.Header{"X-Order-Token": {order.Token}}, want: 200})
}

// staffVisit is the console of a support agent: the order list, the backlog, the ticket queue and a
// customer search, each a page.
func (c *client) staffVisit(ctx context.Context) {
	auth := http.Header{"Authorization": {"Bearer " + c.token}}
	pages := []struct{ name, path string }{
		{"/console/orders", "/api/crm/orders?limit=20"},
		{"/console/orders?backlog", "/api/crm/orders?backlog=true&limit=20"},
		{"/console/tickets", "/api/crm/tickets?limit=20"},
		{"/console/customers", "/api/crm/customers?limit=20&q=" + string(rune('a'+c.rng.IntN(26)))},
	}
	for i, p := range pages {
		if i > 0 && !c.think(ctx) {
			return
		}
		if !c.page(ctx, p.name, call{method: "GET", path: p.path, header: auth, want: 200}) {
			return
		}
	}
}

// signIn logs the client in as the seeded support agent, from its own address.
func (c *client) signIn(ctx context.Context, email, password string) error {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, "POST", c.b.base+"/api/auth/login", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" {
		return fmt.Errorf("sign in as %s: status %d %v", email, resp.StatusCode, err)
	}
	c.token = tok.AccessToken
	return nil
}
