// Package shape checks the fixed shapes of the identifiers requests and declarations carry (request
// ids, idempotency keys, cart ids, coupon codes, function names, path segments, CORS origins) with
// byte classes instead of regular expressions.
//
// Why not regexp: these checks run on a cold container's first request, and there compiling the
// request-id expression ^[A-Za-z0-9._:-]{8,128}$ (a process's first compile) was measured at 0.6 to
// 0.9 ms (the compiler's code paged in, the bounded repeat unrolled into a long program), a tenth of
// a hello-world function's whole cold start, to check a character class and a length. Each shape's tests hold the regular expression it replaces and compare the two on
// a table and under fuzzing, so the expression stays the specification.
package shape

import "strings"

// Class is a set of ASCII bytes.
type Class [4]uint64

// Of returns the class described by spec in the syntax of a regexp bracket expression without the
// brackets: single bytes and a-z ranges; a '-' first or last is literal. Of panics on a malformed
// spec or a non-ASCII byte: classes are constants of the program.
func Of(spec string) Class {
	var c Class
	for i := 0; i < len(spec); i++ {
		lo, hi := spec[i], spec[i]
		if i+2 < len(spec) && spec[i+1] == '-' {
			hi = spec[i+2]
			i += 2
		}
		if lo > hi || hi >= 0x80 {
			panic("shape: bad class " + spec)
		}
		for b := int(lo); b <= int(hi); b++ {
			c[b>>6] |= 1 << (b & 63)
		}
	}
	return c
}

// Has reports whether b is in c.
func (c *Class) Has(b byte) bool { return c[b>>6]&(1<<(b&63)) != 0 }

// Span reports whether s is min to max bytes long and every byte is in c.
func (c *Class) Span(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !c.Has(s[i]) {
			return false
		}
	}
	return true
}

// Classes shared by several shapes.
var (
	// TokenChars are the bytes of opaque client-chosen tokens (request ids, idempotency keys, session
	// ids): letters, digits and . _ : -, safe in headers, logs and URLs without escaping.
	TokenChars = Of("A-Za-z0-9._:-")
	lowerHex   = Of("0-9a-f")
	digits     = Of("0-9")
	hostChars  = Of("a-z0-9.-")
	ipv6Chars  = Of("0-9a-f:.")
	upperAlnum = Of("A-Z0-9")
	codeChars  = Of("A-Z0-9_-")
	lower      = Of("a-z")
	nameChars  = Of("a-z0-9-")
	paramChars = Of("a-z_0-9")
	segChars   = Of("A-Za-z0-9._~-")
)

// Token reports whether s is min to max bytes of TokenChars.
func Token(s string, min, max int) bool { return TokenChars.Span(s, min, max) }

// LowerHex reports whether s is exactly n lower-case hexadecimal digits.
func LowerHex(s string, n int) bool { return lowerHex.Span(s, n, n) }

// Code reports whether s is an upper-case code of 1 to max bytes: a letter or digit, then letters,
// digits, '_' and '-' (coupon codes once normalised).
func Code(s string, max int) bool {
	return len(s) > 0 && upperAlnum.Has(s[0]) && codeChars.Span(s[1:], 0, max-1)
}

// Name reports whether s is a lower-case name of 1 to max bytes: a letter, then letters, digits and
// '-' (function and application names, as Fn and OCI accept them).
func Name(s string, max int) bool {
	return len(s) > 0 && lower.Has(s[0]) && nameChars.Span(s[1:], 0, max-1)
}

// PathSegment reports whether s is one segment of a route's path template: a literal of unreserved
// URL bytes, or a parameter {name} with a lower-case name.
func PathSegment(s string) bool {
	if p, ok := strings.CutPrefix(s, "{"); ok {
		p, ok = strings.CutSuffix(p, "}")
		return ok && len(p) > 0 && lower.Has(p[0]) && paramChars.Span(p[1:], 0, len(p))
	}
	return segChars.Span(s, 1, len(s))
}

// Origin reports whether s is a lower-case web origin: http or https, a host name or IPv4 address
// ([a-z0-9.-]+) or a bracketed IPv6 address, an optional port of 1 to 5 digits, and nothing else
// (no user info, path, query or trailing slash).
func Origin(s string) bool {
	rest, ok := strings.CutPrefix(s, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "https://"); !ok {
			return false
		}
	}
	var port string
	if v6, ok := strings.CutPrefix(rest, "["); ok {
		addr, after, closed := strings.Cut(v6, "]")
		if !closed || !ipv6Chars.Span(addr, 1, len(addr)) {
			return false
		}
		port = after
	} else {
		host, _, _ := strings.Cut(rest, ":")
		if !hostChars.Span(host, 1, len(host)) {
			return false
		}
		port = rest[len(host):]
	}
	return port == "" || port[0] == ':' && digits.Span(port[1:], 1, 5)
}
