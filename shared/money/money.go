// Package money represents amounts of USD as integer cents, so prices, discounts and totals are exact.
//
// Amounts cross the database as decimal text ("12500.00"): Oracle converts it to NUMBER(12,2) exactly,
// and SQLite's NUMERIC affinity stores it as a number. Scanning accepts every form the two drivers
// return (int64, float64, decimal text, godror.Number's string form). JSON carries amounts as strings
// with two decimals, never as floats.
package money

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Cents is an amount of USD in cents.
type Cents int64

// Max is the largest amount NUMBER(12,2) holds: 9,999,999,999.99.
const Max Cents = 999_999_999_999

// Errors wrapped by Parse's: the text is no decimal amount at all, or one with more than two decimals
// (a client's "79.001" deserves its own answer, not "malformed").
var (
	ErrNotAmount       = errors.New("money: not a decimal amount")
	ErrTooManyDecimals = errors.New("money: more than two decimals")
)

// Parse reads a decimal amount with at most two fractional digits, e.g. "12500", "12500.5", "0.99".
// It rejects signs other than a leading minus, exponents, and more than two decimals.
func Parse(s string) (Cents, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrNotAmount, s)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%w: %q", ErrTooManyDecimals, s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if len(whole) > 16 {
		return 0, fmt.Errorf("money: %q is out of range", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("money: %q: %w", s, err)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	c := Cents(w*100 + f)
	if neg {
		c = -c
	}
	return c, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String formats c with two decimals, e.g. "12500.00".
func (c Cents) String() string {
	sign := ""
	u := int64(c)
	if u < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// MarshalJSON writes c as a JSON string with two decimals.
func (c Cents) MarshalJSON() ([]byte, error) { return []byte(`"` + c.String() + `"`), nil }

// UnmarshalJSON reads a JSON string amount ("12.50"); a bare number is accepted too.
func (c *Cents) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Value passes c to the database as decimal text.
func (c Cents) Value() (driver.Value, error) { return c.String(), nil }

// NumericText is c as decimal text, which package db binds as a number on Oracle (db.Numeric): text
// bound into a NUMBER would be converted under the session's NLS_NUMERIC_CHARACTERS.
func (c Cents) NumericText() string { return c.String() }

// Scan reads an amount from either driver.
func (c *Cents) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c = Cents(v * 100)
	case float64:
		if math.IsNaN(v) || math.Abs(v) > float64(Max)/100 {
			return fmt.Errorf("money: scan %v: out of range", v)
		}
		*c = Cents(math.Round(v * 100))
	case []byte:
		return c.scanText(string(v))
	case string:
		return c.scanText(v)
	case fmt.Stringer: // godror.Number
		return c.scanText(v.String())
	default:
		return fmt.Errorf("money: cannot scan %T", src)
	}
	return nil
}

func (c *Cents) scanText(s string) error {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-.") { // Oracle renders 0.5 as ".5"
		s = strings.Replace(s, ".", "0.", 1)
	}
	if whole, frac, ok := strings.Cut(s, "."); ok && len(frac) > 2 { // tolerate "12.500" (trailing zeros only)
		if strings.Trim(frac[2:], "0") != "" {
			return fmt.Errorf("money: %q has more than two decimals", s)
		}
		s = whole + "." + frac[:2]
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*c = v
	return nil
}
