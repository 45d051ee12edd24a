package web

import (
	"net/mail"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Email limits (RFC 5321: a 64-byte local part, a 254-byte path; every email column holds 254).
const (
	MaxEmailBytes = 254
	maxLocalBytes = 64
)

// Email is the one email rule of every function (checkout, accounts, lead capture): raw without
// surrounding whitespace must be a ValidEmail. It answers that trimmed address, or a 400 naming field.
func Email(op, field, raw string) (string, error) {
	e := strings.TrimSpace(raw)
	if !ValidEmail(e) {
		return "", apperr.E(op, apperr.Invalid, field+" must be a valid email address such as name@company.example")
	}
	return e, nil
}

// ValidEmail reports whether s is a bare address a mail system can deliver to: net/mail parses it as
// exactly itself (no display name, comments, quoted local part or angle brackets), the local part is
// at most 64 bytes and the whole at most 254, it holds no control, bidirectional or invisible
// character, and its domain is a host name with at least two labels and an alphabetic top-level label
// (no IP literals, no "localhost").
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailBytes || strings.ContainsFunc(s, (TextLimit{}).refused) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || strings.ContainsAny(s, "\" ") {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > maxLocalBytes {
		return false
	}
	return validDomain(s[at+1:])
}

// validDomain checks an LDH host name (RFC 1123; internationalised names arrive as punycode).
func validDomain(d string) bool {
	if len(d) > 253 {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if strings.HasPrefix(tld, "xn--") { // an internationalised top-level domain
		return len(tld) > 4
	}
	if len(tld) < 2 {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}
