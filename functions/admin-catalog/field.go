package admincatalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/money"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// kind is how a column is validated, bound, scanned and shown.
type kind uint8

const (
	textKind    kind = iota // string; "" (or null) is NULL for an optional field
	moneyKind               // money.Cents, JSON "12.50"; also NUMBER(5,2) percentages in hundredths
	intKind                 // int64 within min..max
	flagKind                // bool, stored as NUMBER(1) 0/1
	timeKind                // *time.Time, RFC 3339, nullable
	degreesKind             // NUMBER(9,6) coordinates as text with at most six decimals, nullable
)

// field is one column an admin may set: its JSON and column name (the same), its rule and, on
// create, whether it must be sent or else its default.
type field struct {
	name     string
	kind     kind
	text     web.TextLimit     // textKind: bytes of the column, multiline
	shape    func(string) bool // textKind: the value's shape, when it has one
	shapeMsg string            // what shape wants, for the error
	min, max int64             // intKind, moneyKind (cents), degreesKind (millionths)
	required bool              // must be sent on create, may never be cleared
	def      any               // the create default of an optional field (nil: the kind's zero)
}

// record is a row as the API shows it: field name -> string, money.Cents, int64, bool, *time.Time.
type record map[string]any

// parse validates one JSON value sent for f and returns it in its record form.
func (f field) parse(op string, raw jsontext.Value) (any, error) {
	bad := func(msg string) error { return apperr.E(op, apperr.Invalid, f.name+" "+msg) }
	isNull := raw.Kind() == 'n'
	if isNull {
		switch {
		case f.required:
			return nil, bad("may not be null")
		case f.kind == textKind:
			return "", nil
		case f.kind == degreesKind:
			return "", nil
		case f.kind == timeKind:
			return (*time.Time)(nil), nil
		default:
			return nil, bad("may not be null")
		}
	}
	switch f.kind {
	case textKind:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, bad("must be a string")
		}
		l := f.text
		l.Field, l.Required = f.name, f.required
		if err := l.Check(op, s); err != nil {
			return nil, err
		}
		if s != "" && f.shape != nil && !f.shape(s) {
			return nil, bad(f.shapeMsg)
		}
		return s, nil
	case moneyKind:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, bad(`must be a decimal amount as a string, e.g. "12.50"`)
		}
		c, err := money.Parse(s)
		if err != nil || int64(c) < f.min || int64(c) > f.max {
			return nil, bad(fmt.Sprintf("must be an amount from %s to %s with at most two decimals", money.Cents(f.min), money.Cents(f.max)))
		}
		return c, nil
	case intKind:
		var n int64
		if json.Unmarshal(raw, &n) != nil || n < f.min || n > f.max {
			return nil, bad(fmt.Sprintf("must be an integer from %d to %d", f.min, f.max))
		}
		return n, nil
	case flagKind:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, bad("must be true or false")
		}
		return b, nil
	case timeKind:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, bad("must be an RFC 3339 time, e.g. \"2026-12-31T23:59:59Z\"")
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, bad("must be an RFC 3339 time, e.g. \"2026-12-31T23:59:59Z\"")
		}
		t = t.UTC().Truncate(time.Millisecond)
		return &t, nil
	case degreesKind:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil, bad(`must be a decimal number as a string, e.g. "47.606200"`)
		}
		v, ok := parseDegrees(s)
		if !ok || v < f.min || v > f.max {
			return nil, bad(fmt.Sprintf("must be a number from %s to %s with at most six decimals", formatDegrees(f.min), formatDegrees(f.max)))
		}
		return formatDegrees(v), nil
	}
	return nil, bad("cannot be set")
}

// parseDegrees reads "-122.3321" as millionths: digits, an optional point and at most six decimals.
func parseDegrees(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || (dot && frac == "") || len(frac) > 6 || !digits(whole+frac) {
		return 0, false
	}
	frac += strings.Repeat("0", 6-len(frac))
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*1_000_000 + f
	if neg {
		v = -v
	}
	return v, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func formatDegrees(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%06d", sign, v/1_000_000, v%1_000_000)
}

// bind is a record value as a statement's bind.
func (f field) bind(v any) any {
	switch x := v.(type) {
	case string:
		if x == "" {
			return nil
		}
		if f.kind == degreesKind {
			return db.Decimal(x)
		}
		return x
	case bool:
		if x {
			return 1
		}
		return 0
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}

// scanner returns a scan destination for f and the function that reads it back as a record value.
func (f field) scanner() (any, func() any) {
	switch f.kind {
	case moneyKind:
		var c money.Cents
		return &c, func() any { return c }
	case intKind:
		var n int64
		return &n, func() any { return n }
	case flagKind:
		var n int64
		return &n, func() any { return n == 1 }
	case timeKind:
		var t *time.Time
		return &t, func() any {
			if t == nil {
				return t
			}
			u := t.UTC()
			return &u
		}
	case degreesKind:
		var d degrees
		return &d, func() any { return string(d) }
	}
	var s string
	return &s, func() any { return s }
}

// degrees scans a NUMBER(9,6) as formatDegrees text ("" for NULL), whether the driver returns text
// (godror) or a float (SQLite).
type degrees string

// Scan implements sql.Scanner.
func (d *degrees) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case nil:
		*d = ""
		return nil
	case float64:
		s = strconv.FormatFloat(v, 'f', 6, 64)
	case int64:
		s = strconv.FormatInt(v, 10)
	case []byte:
		s = string(v)
	case string:
		s = v
	default:
		return fmt.Errorf("admincatalog: cannot scan %T as degrees", src)
	}
	v, ok := parseDegrees(s)
	if !ok {
		return fmt.Errorf("admincatalog: %q is not a coordinate", s)
	}
	*d = degrees(formatDegrees(v))
	return nil
}

// zero is the value of an optional field not sent on create: its default, else the kind's zero.
func (f field) zero() any {
	if f.def != nil {
		return f.def
	}
	switch f.kind {
	case moneyKind:
		return money.Cents(0)
	case intKind:
		return int64(0)
	case flagKind:
		return false
	case timeKind:
		return (*time.Time)(nil)
	}
	return ""
}
