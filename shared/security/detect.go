package security

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// rule is one attack pattern, matched against the lower-cased value.
//
// Every rule names the literals (needs) one of which any value it matches contains: its pattern is
// compiled and run only on values holding one. Most values a shop receives (names, ids, plain text)
// hold none, so they cost a few substring scans instead of ~25 regular expressions, and a function
// whose requests carry no suspicious text never compiles a pattern at all: compiling them all costs
// ~0.7 ms and 440 KB, which at package init sat on every cold start. TestRuleNeedsAreSound checks each
// rule's needs against its pattern.
type rule struct {
	name  string
	kind  Kind
	needs []string
	re    func() *regexp.Regexp
	// same, when set, requires the two submatches to be equal (1=1, not 1=2): Go's regexp has no
	// back-references.
	same bool
}

// lazy compiles expr on first use.
func lazy(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// quotes and the like are needs shared by several rules.
var (
	quotes     = []string{"'", `"`}
	separators = []string{";", "&", "|", "\n"}
	angle      = []string{"<"}
)

// cmd is a shell command with the arguments that make it one (rm -rf, cat /etc, curl http://, nc
// host port, sh -c, ...), never the bare word: "cat", "id" and "curl up" are English.
const cmd = `(?:rm\s+-[a-z]*[rf]|cat\s+[/~$]|ls(?:\s+-[a-z]+|\s+/|\s*$)|id\s*(?:$|[;&|#)` + "`" + `])|whoami\b|` +
	`uname(?:\s+-[a-z]+)?\b|(?:wget|curl)\s+(?:-\S+\s+)*(?:[a-z]+://|\d{1,3}(?:\.\d{1,3}){3}|[\w.-]+\.[a-z]{2,}(?:[:/]|\s|$))|` +
	`(?:nc|ncat|netcat)\s+(?:-[a-z]+\s+)*[\w.-]+\s+\d{1,5}\b|(?:nc|ncat|netcat)\s+-[a-z]*[el]\b|` +
	`(?:ba|z|k|c|da)?sh\s+-[a-z]*c\b|/bin/(?:ba|z|k|da)?sh\b|python[\d.]*\s+-c\b|perl\s+-e\b|ruby\s+-e\b|php\s+-r\b|` +
	`powershell(?:\.exe)?\b|cmd(?:\.exe)?\s+/c\b|chmod\s+[+0-7]|ping\s+-[cn]\s*\d|sleep\s+\d+\s*(?:$|[;&|#])|` +
	`nslookup\s+\S+|mkfifo\b|base64\s+-d\b)`

// cmdWord is a command name inside $(...) or backticks, where any command is code.
const cmdWord = `(?:rm|cat|ls|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|python[\d.]*|perl|ruby|php|echo|` +
	`sleep|ping|nslookup|base64|chmod|touch|printf|env|pwd|hostname|ifconfig|ipconfig|powershell|cmd)\b`

// rules are checked in order; the first match names the event. See the package documentation for the
// false-positive policy they follow.
var rules = []rule{
	{name: "separator_command", kind: CommandInjection, needs: separators,
		re: lazy(`(?:;|&&|\|\||\||&|\n)\s*` + cmd)},
	{name: "subshell", kind: CommandInjection, needs: []string{"$("},
		re: lazy(`\$\(\s*` + cmdWord)},
	{name: "backticks", kind: CommandInjection, needs: []string{"`"},
		re: lazy("`\\s*" + cmdWord + "[^`]*`")},
	{name: "ifs", kind: CommandInjection, needs: []string{"$"},
		re: lazy(`\$\{ifs\}|\$ifs\b`)},

	{name: "quoted_tautology", kind: SQLInjection,
		needs: quotes,
		re:    lazy(`['"]\s*\)*\s*(?:or|and|\|\||&&)(?:\s+|\s*['"(])\s*\(*\s*(?:['"]?[\w-]*['"]?\s*(?:=|\blike\b)|true\b|not\s+false\b)`)},
	{name: "numeric_tautology", kind: SQLInjection, needs: []string{"="},
		re: lazy(`\b(?:or|and)\s+\(?\s*(\d+)\s*=\s*\(?\s*(\d+)\b`), same: true},
	{name: "union_select", kind: SQLInjection, needs: []string{"union"},
		re: lazy(`\bunion(?:\s+(?:all|distinct))?\s+select\b`)},
	{name: "stacked_query", kind: SQLInjection,
		needs: []string{";"},
		re: lazy(`;\s*(?:drop\s+(?:table|database|schema|user|view|index|procedure|function)\b|` +
			`delete\s+from\s+[\w."]+\s*(?:where\b|;|--|#|$)|insert\s+into\s+[\w."]+\s*(?:\(|values\b|select\b)|` +
			`update\s+[\w."]+\s+set\s+[\w."]+\s*=|truncate\s+table\b|alter\s+(?:table|user|database)\b|` +
			`create\s+(?:table|user|database|or\s+replace)\b|exec(?:ute)?\s+(?:xp_|sp_|master\.|immediate\b)|exec(?:ute)?\s*\(|` +
			`shutdown\s*(?:$|;|--|with\s+nowait)|grant\s+(?:all|select|insert|update|delete|dba|execute)\b[\w, ]*\s+(?:on|to)\b|` +
			`declare\s+@)`)},
	{name: "quote_comment", kind: SQLInjection, needs: quotes,
		re: lazy(`['"]\s*\)*\s*;?\s*(?:--|#|/\*)\s*$|['"]\s*\)*\s*;\s*(?:--|#|/\*)`)},
	{name: "quote_subselect", kind: SQLInjection, needs: quotes,
		re: lazy(`['"]\s*\)*\s*(?:\|\||\+|\bor\b|\band\b|;)\s*\(?\s*select\b`)},
	{name: "time_delay", kind: SQLInjection,
		needs: []string{"sleep", "benchmark", "waitfor", "dbms_"},
		re:    lazy(`\b(?:pg_)?sleep\s*\(\s*\d+(?:\.\d+)?\s*\)|\bbenchmark\s*\(\s*\d+\s*,|\bwaitfor\s+delay\s+['"]|\bdbms_(?:lock\.sleep|pipe\.receive_message)\s*\(`)},
	{name: "catalog_probe", kind: SQLInjection,
		needs: []string{"information_schema", "sysobjects", "pg_catalog", "all_tab", "dba_users", "v$version", "@@version", "xp_cmdshell", "utl_http", "load_file", "into"},
		re: lazy(`\binformation_schema\b|\bsysobjects\b|\bpg_catalog\b|\ball_tab(?:les|_columns)\b|\bdba_users\b|\bv\$version\b|` +
			`@@version\b|\bxp_cmdshell\b|\butl_http\b|\bload_file\s*\(|\binto\s+(?:out|dump)file\b`)},
	{name: "versioned_comment", kind: SQLInjection, needs: []string{"/*!"},
		re: lazy(`/\*!\d*`)},

	{name: "script_tag", kind: XSS, needs: angle,
		re: lazy(`<\s*/?\s*script\b`)},
	{name: "event_handler", kind: XSS, needs: angle,
		re: lazy(`<[a-z][^>]*[\s/"']on[a-z]+\s*=`)},
	{name: "script_uri", kind: XSS, needs: []string{"script", "data"},
		re: lazy(`\b(?:javascript|vbscript|livescript)\s*:(?:\S|\s*[\w$.]+\s*\()|\bdata\s*:\s*text/html\b`)},
	{name: "dangerous_tag", kind: XSS, needs: angle,
		re: lazy(`<\s*(?:iframe|frame|frameset|object|embed|applet|base|meta|svg|math|link)\b`)},
	{name: "dom_sink", kind: XSS,
		needs: []string{"document", "window", "fromcharcode", "alert(", "prompt(", "confirm(", "srcdoc", "formaction", "xlink:href"},
		re: lazy(`\bdocument\s*\.\s*(?:cookie|domain|write)\b|\bwindow\s*\.\s*location\b|\bstring\s*\.\s*fromcharcode\s*\(|` +
			`\b(?:alert|prompt|confirm)\((?:document|window|\d|['"` + "`" + `])|\b(?:srcdoc|formaction|xlink:href)\s*=`)},

	{name: "dot_dot_slash", kind: PathTraversal, needs: []string{".."},
		re: lazy(`(?:^|[/\\=:'"])\.\.[/\\]|(?:\.\.[/\\]){2,}`)},
	{name: "encoded_dots", kind: PathTraversal,
		needs: []string{"%"},
		re:    lazy(`%2e%2e|%252e|\.\.%2f|\.\.%5c|%2e\.[/\\]|\.%2e|%c0%ae|%c0%af|%c1%9c|\.\.%00|%uff0e`)},
	{name: "sensitive_file", kind: PathTraversal,
		needs: []string{"/etc/", "/proc/self/", "win.ini", "boot.ini", "web-inf/", "c:\\", "file:/"},
		re:    lazy(`/etc/(?:passwd|shadow|group|hosts)\b|/proc/self/|\bwin\.ini\b|\bboot\.ini\b|\bweb-inf/|\bc:\\+windows\\|\bfile:/{2,}`)},
}

// finding is an attack found in one value of a request.
type finding struct {
	kind     Kind
	rule     string
	location string // path, query or body
	field    string // the query parameter or the JSON path of the value
	value    string // the value as received
}

// commentRE matches SQL block comments, which attackers put between keywords (UNION/**/SELECT).
var commentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/\*.*?\*/`) })

// detect returns the first rule that value matches, trying it as received, once percent-decoded,
// once HTML-unescaped and with SQL block comments removed (each only when it changes the value).
func detect(value string) (Kind, string, bool) {
	lower := strings.ToLower(value)
	variants := []string{lower}
	if strings.Contains(lower, "%") {
		if dec, err := url.PathUnescape(lower); err == nil && dec != lower {
			variants = append(variants, dec)
		}
	}
	if strings.Contains(lower, "&") {
		if dec := html.UnescapeString(lower); dec != lower {
			variants = append(variants, strings.ToLower(dec))
		}
	}
	if strings.Contains(lower, "/*") {
		variants = append(variants, commentRE().ReplaceAllString(lower, " "))
	}
	for i, v := range variants {
		for _, r := range rules {
			if !matches(r, v) {
				continue
			}
			if i > 0 && strings.Contains(lower, "/*") && !matches(r, lower) {
				return r.kind, r.name + "+comment", true
			}
			return r.kind, r.name, true
		}
	}
	return "", "", false
}

func matches(r rule, v string) bool {
	if !containsAny(v, r.needs) {
		return false
	}
	if !r.same {
		return r.re().MatchString(v)
	}
	for _, m := range r.re().FindAllStringSubmatch(v, -1) {
		if m[1] == m[2] {
			return true
		}
	}
	return false
}

// inspectValues runs detect over every value of a query or form, and over the parameter names.
func inspectValues(location string, vals url.Values) (finding, bool) {
	for name, vs := range vals {
		if k, rule, ok := detect(name); ok {
			return finding{kind: k, rule: rule, location: location, field: name, value: name}, true
		}
		for _, v := range vs {
			if k, rule, ok := detect(v); ok {
				return finding{kind: k, rule: rule, location: location, field: name, value: v}, true
			}
		}
	}
	return finding{}, false
}

// inspectJSON runs detect over every string of a decoded JSON value, object keys included, and
// returns the first finding with its JSON path (customer.name, items[2]).
func inspectJSON(v any, path string) (finding, bool) {
	switch t := v.(type) {
	case string:
		if k, rule, ok := detect(t); ok {
			return finding{kind: k, rule: rule, location: "body", field: path, value: t}, true
		}
	case map[string]any:
		for key, child := range t {
			p := key
			if path != "" {
				p = path + "." + key
			}
			if k, rule, ok := detect(key); ok {
				return finding{kind: k, rule: rule, location: "body", field: p, value: key}, true
			}
			if f, ok := inspectJSON(child, p); ok {
				return f, true
			}
		}
	case []any:
		for i, child := range t {
			if f, ok := inspectJSON(child, path+"["+strconv.Itoa(i)+"]"); ok {
				return f, true
			}
		}
	}
	return finding{}, false
}

func containsAny(v string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(v, n) {
			return true
		}
	}
	return false
}
