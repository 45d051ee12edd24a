package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// scanState is the substitutes of one result's destinations, reused across its rows.
type scanState struct {
	times []timeDest
	dest  []any
}

// Dest substitutes *time.Time, **time.Time and *sql.NullTime destinations with scanners that also
// accept the canonical timestamp text (TimeFormat), whatever the column's declared type, and *string
// and *sql.NullString with scanners that read NULL as "", as godror hands it back from Oracle (where
// NULL and the empty string are the same value; a sql.NullString is always Valid there). The caller's
// slice is copied (into a buffer reused across rows) only when it holds such a destination.
func (sqliteDialect) Dest(dest []any, state *any) []any {
	found := false
	for _, d := range dest {
		switch d.(type) {
		case *time.Time, **time.Time, *sql.NullTime, *string, *sql.NullString:
			found = true
		}
	}
	if !found {
		return dest
	}
	s, _ := (*state).(*scanState)
	if s == nil {
		s = &scanState{}
		*state = s
	}
	if cap(s.times) < len(dest) {
		s.times = make([]timeDest, len(dest))
		s.dest = make([]any, len(dest))
	}
	s.times, s.dest = s.times[:len(dest)], s.dest[:len(dest)]
	for i, d := range dest {
		switch d.(type) {
		case *time.Time, **time.Time, *sql.NullTime:
			s.times[i] = timeDest{dst: d}
			s.dest[i] = &s.times[i]
		case *string, *sql.NullString:
			s.times[i] = timeDest{dst: d}
			s.dest[i] = (*stringDest)(&s.times[i])
		default:
			s.dest[i] = d
		}
	}
	return s.dest
}

// timeDest scans a time value, or its canonical text, into *time.Time, **time.Time or *sql.NullTime.
type timeDest struct{ dst any }

// Scan implements sql.Scanner.
func (t *timeDest) Scan(src any) error {
	var (
		v     time.Time
		valid = true
	)
	switch s := src.(type) {
	case nil:
		valid = false
	case time.Time:
		v = s
	case string:
		p, err := parseTime(s)
		if err != nil {
			return err
		}
		v = p
	case []byte:
		p, err := parseTime(string(s))
		if err != nil {
			return err
		}
		v = p
	default:
		return fmt.Errorf("cannot scan %T into a time", src)
	}
	switch d := t.dst.(type) {
	case *time.Time:
		if !valid {
			return errors.New("cannot scan NULL into *time.Time")
		}
		*d = v
	case **time.Time:
		if !valid {
			*d = nil
			return nil
		}
		*d = &v
	case *sql.NullTime:
		*d = sql.NullTime{Time: v, Valid: valid}
	}
	return nil
}

// stringDest scans a string the way godror does: NULL is "" (and a sql.NullString is always Valid).
type stringDest timeDest

// Scan implements sql.Scanner.
func (s *stringDest) Scan(src any) error {
	var v string
	switch x := src.(type) {
	case nil:
	case string:
		v = x
	case []byte:
		v = string(x)
	default:
		var ns sql.NullString
		if err := ns.Scan(src); err != nil {
			return err
		}
		v = ns.String
	}
	switch d := s.dst.(type) {
	case *string:
		*d = v
	case *sql.NullString:
		*d = sql.NullString{String: v, Valid: true}
	}
	return nil
}

// parseTime reads the canonical format, RFC 3339, or SQLite's own "YYYY-MM-DD HH:MM:SS" (UTC).
func parseTime(s string) (time.Time, error) {
	for _, layout := range [...]string{TimeFormat, time.RFC3339Nano, time.DateTime} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as a timestamp", s)
}
