package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Limit reads the page size from the query: def when absent, else an integer within 1..max.
func Limit(op string, q url.Values, def, max int) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, apperr.E(op, apperr.Invalid, fmt.Sprintf("limit must be an integer from 1 to %d", max))
	}
	return n, nil
}

// EncodeCursor returns v (a small struct naming the position after a page's last row) as an opaque
// keyset cursor.
func EncodeCursor(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("web.EncodeCursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// NextPage ends a keyset page read with limit+1 rows: it returns the first limit items and the
// cursor of the next page, EncodeCursor(after(limit-1)) (after names the position after the item at
// that index), or items as they are and nil when there is no next page.
func NextPage[T any](items []T, limit int, after func(last int) any) ([]T, *string, error) {
	if len(items) <= limit {
		return items, nil, nil
	}
	next, err := EncodeCursor(after(limit - 1))
	if err != nil {
		return nil, nil, err
	}
	return items[:limit], &next, nil
}

// DecodeCursor reads a cursor made by EncodeCursor into v. valid reports whether the decoded
// position is complete; any failure is an invalid_request naming the cursor, never a 500.
func DecodeCursor(op, s string, v any, valid func() bool) error {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(raw, v) != nil || (valid != nil && !valid()) {
		return apperr.E(op, apperr.Invalid, "cursor is not one this API returned")
	}
	return nil
}

// TimeCursor is the position after the last row of a page of a list ordered newest first by a
// timestamp, ties broken by id (a customer's orders, tickets).
type TimeCursor struct {
	At time.Time `json:"t"`
	ID int64     `json:"i"`
}

// NewestFirst is a validated request for one page of such a list: its size and, after the first
// page, the cursor the previous page returned.
type NewestFirst struct {
	Limit int
	After *TimeCursor // nil on the first page
}

// ParseNewestFirst reads ?limit (def when absent, 1..max) and ?cursor from the query.
func ParseNewestFirst(op string, q url.Values, def, max int) (NewestFirst, error) {
	limit, err := Limit(op, q, def, max)
	if err != nil {
		return NewestFirst{}, err
	}
	p := NewestFirst{Limit: limit}
	if v := q.Get("cursor"); v != "" {
		var c TimeCursor
		if err := DecodeCursor(op, v, &c, func() bool { return c.ID >= 1 && !c.At.IsZero() }); err != nil {
			return NewestFirst{}, err
		}
		p.After = &c
	}
	return p, nil
}

// Keyset returns the keyset binds of a list statement written as
// (:first = 1 OR t < :at OR (t = :at AND id < :id)): first is 1 on the first page, when at is nil.
func (p NewestFirst) Keyset() (first int, at any, id int64) {
	if p.After == nil {
		return 1, nil, 0
	}
	return 0, p.After.At, p.After.ID
}

// Next returns the cursor after a page's last row, given the rows fetched (Limit+1 asked for, so a
// following page exists when more than Limit came back): the page trimmed to Limit, and the next
// cursor or nil. key gives a row's timestamp and id.
func Next[T any](p NewestFirst, rows []T, key func(T) (time.Time, int64)) ([]T, *string, error) {
	if len(rows) <= p.Limit {
		return rows, nil, nil
	}
	rows = rows[:p.Limit]
	at, id := key(rows[p.Limit-1])
	next, err := EncodeCursor(TimeCursor{At: at, ID: id})
	if err != nil {
		return nil, nil, err
	}
	return rows, &next, nil
}
