package ticket

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// textLimit is the size rule of a text field: characters as the API promises them, and bytes as
// the Oracle column holds them (VARCHAR2 sizes are bytes), whichever is stricter.
type textLimit struct {
	field     string
	chars     int
	bytes     int
	multiline bool // line breaks and tabs allowed
}

// check validates v against the limit; v itself is never changed.
func (l textLimit) check(op, v string) error {
	if n := utf8.RuneCountInString(v); n > l.chars || len(v) > l.bytes {
		return apperr.E(op, apperr.Invalid, fmt.Sprintf("%s must be at most %d characters (%d bytes in UTF-8)", l.field, l.chars, l.bytes))
	}
	for _, c := range v {
		if unicode.IsControl(c) && !(l.multiline && (c == '\n' || c == '\r' || c == '\t')) {
			return apperr.E(op, apperr.Invalid, l.field+" must not contain control characters")
		}
	}
	return nil
}
