package web

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// TextLimit is the rule of one text field a client sends. Bytes is the size of the column that
// stores it: Oracle's VARCHAR2 counts bytes, so a name of 150 characters of which some take two or
// three bytes in UTF-8 must be refused here, with a 400, rather than reach the database and fail
// there (ORA-12899). Chars, when set, is a stricter limit in characters that the API promises.
//
// Every field refuses invalid UTF-8 and control characters (Unicode Cc); a Multiline field allows
// line breaks and tabs. Single-line fields (names, titles, codes, phones) also refuse every format
// character (Unicode Cf: the bidirectional overrides and isolates that make text display differently
// from what it is, zero-width spaces and joiners, the byte-order mark, soft hyphens) and the line and
// paragraph separators. Multiline prose refuses the bidirectional controls and the invisible
// characters that carry no meaning in prose, but keeps the zero-width (non-)joiners that Persian and
// Indic scripts and emoji sequences need. A Required field refuses "" and text that is only
// whitespace; an optional field may be "" (absent) but never only whitespace. Text is validated, never rewritten: what passes is stored byte for byte.
type TextLimit struct {
	Field     string
	Bytes     int
	Chars     int // 0: only Bytes applies
	Required  bool
	Multiline bool
}

// Check validates v against the limit.
func (l TextLimit) Check(op, v string) error {
	bad := func(msg string) error { return apperr.E(op, apperr.Invalid, l.Field+" "+msg) }
	switch {
	case v == "" && !l.Required:
		return nil
	case v == "":
		return bad("is required")
	case strings.TrimFunc(v, unicode.IsSpace) == "":
		return bad("must not be blank")
	}
	if !utf8.ValidString(v) {
		return bad("must be valid UTF-8")
	}
	if l.Chars > 0 && utf8.RuneCountInString(v) > l.Chars {
		return bad(fmt.Sprintf("must be at most %d characters", l.Chars))
	}
	if len(v) > l.Bytes {
		return bad(fmt.Sprintf("must be at most %d bytes in UTF-8 (%d characters of ASCII; accented letters take 2 bytes, most other scripts 3)", l.Bytes, l.Bytes))
	}
	if i := strings.IndexFunc(v, l.refused); i >= 0 {
		r, _ := utf8.DecodeRuneInString(v[i:])
		return bad(fmt.Sprintf("must not contain control, bidirectional or invisible characters (U+%04X at byte %d)", r, i))
	}
	return nil
}

// refused reports whether the field refuses the character.
func (l TextLimit) refused(r rune) bool {
	switch {
	case unicode.Is(unicode.Cc, r):
		return !l.Multiline || !(r == '\n' || r == '\r' || r == '\t')
	case Bidi(r):
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	case unicode.Is(unicode.Cf, r):
		return !l.Multiline || !(r == '\u200C' || r == '\u200D') // ZWNJ, ZWJ: part of some scripts and emoji
	}
	return false
}

// Bidi reports whether r is a bidirectional formatting character: the embeddings and overrides
// U+202A..U+202E, the isolates U+2066..U+2069, and the marks U+200E, U+200F, U+061C. Reordered text
// shows a reader something other than what is stored ("Trojan Source").
func Bidi(r rune) bool {
	return r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069' || r == '\u200E' || r == '\u200F' || r == '\u061C'
}
