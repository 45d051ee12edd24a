package db

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// NullIfEmpty binds "" as NULL. Oracle stores the empty string as NULL whatever is bound; SQLite would not,
// so code that binds optional text through NullIfEmpty reads back the same on both.
func NullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CutBytes shortens s to at most n bytes without splitting a UTF-8 character: what fits a
// VARCHAR2(n BYTE) column (or an Oracle session tag) when the text is not the client's to refuse
// (a user agent, an error message, a payload excerpt). Input a client sends is validated, never cut.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// UTC returns a nullable timestamp as read in UTC, or nil: the answer's form of a TIMESTAMP WITH
// TIME ZONE column that may be NULL.
func UTC(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Text scans a string the way Oracle means it: NULL is "". godror already hands a NULL VARCHAR2 back
// as "", and the embedded database's driver does the same for columns declared as text, but an
// expression SQLite cannot type (a scalar subquery such as (SELECT MIN(s.status) ...), a CASE) comes
// back as NULL there, which database/sql refuses to scan into a *string. Scan such an expression into
// a *Text.
type Text string

// Scan implements sql.Scanner.
func (t *Text) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t = ""
	case string:
		*t = Text(v)
	case []byte:
		*t = Text(v)
	default:
		return fmt.Errorf("db.Text: cannot scan %T", src)
	}
	return nil
}
