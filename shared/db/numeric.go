package db

import "github.com/octo-drone-shop/serverless/shared/db/dialect"

// Numeric is implemented by bind values that are decimal numbers held as text with a '.' separator
// ("12.50"), such as money.Cents and Decimal. On Oracle they are bound as numbers (godror.Number,
// which the client converts itself) and never as text: text bound into a NUMBER column is converted
// by the server with the session's NLS_NUMERIC_CHARACTERS, so "12.50" fails with ORA-01722 (or
// silently means something else) in a session whose decimal separator is ','. On SQLite they are
// bound as text, which NUMERIC columns store as numbers.
type Numeric = dialect.Numeric

// Decimal is a decimal number as text ("1.400") bound as a number (see Numeric): for values such
// as weights that have no type of their own.
type Decimal string

// NumericText returns d.
func (d Decimal) NumericText() string { return string(d) }
