package security

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPayload is the longest payload excerpt stored with an event, in characters.
const MaxPayload = 500

// Column bounds of security_events and audit_logs, in bytes.
const (
	maxEndpoint  = 500
	maxUserAgent = 500
	maxIP        = 45
	maxMethod    = 10 // security_events.http_method: scanners send longer made-up methods (a token, no escapes needed)
)

// excerpt returns s made safe to store and show: backslashes, control and format characters (line
// breaks, NUL, ANSI escapes, bidirectional overrides, zero-width characters) and invalid UTF-8 are
// escaped (\n, \u202e, \xff), and the result is cut to at most limit characters, never inside an
// escape; a cut excerpt ends in "…".
func excerpt(s string, limit int) string {
	var b strings.Builder
	n, fits := 0, 0 // characters written; bytes of the longest prefix that leaves room for "…"
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size == 1:
			piece = fmt.Sprintf(`\x%02x`, s[i])
		case r == '\\':
			piece = `\\`
		case r == '\n':
			piece = `\n`
		case r == '\r':
			piece = `\r`
		case r == '\t':
			piece = `\t`
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			piece = fmt.Sprintf(`\u%04x`, r)
		default:
			piece = s[i : i+size]
		}
		width := utf8.RuneCountInString(piece)
		if n+width > limit {
			return b.String()[:fits] + "…"
		}
		b.WriteString(piece)
		n += width
		if n <= limit-1 {
			fits = b.Len()
		}
		i += size
	}
	return b.String()
}
