package adminaudit

import (
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/web"
)

const (
	defaultLimit = 50
	maxLimit     = 100
)

// query is a validated request for one page or one export: the filters as binds (nil when absent)
// and the position.
type query struct {
	q       url.Values
	csv     bool
	limit   int   // rows of a JSON page; ExportRows for an export
	first   int   // 1 on the first page
	afterID int64 // the id the page or export starts below
	from    any   // created_at >= from
	until   any   // created_at < until
	source  any   // the client address, canonical
}

type idCursor struct {
	I int64 `json:"i"`
}

// parseQuery reads what both lists share: the format, the page, the time range and the source address.
func parseQuery(op string, r *http.Request) (query, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return query{}, apperr.E(op, apperr.Invalid, "malformed query string")
	}
	q := query{q: values, csv: wantsCSV(r.Header.Get("Accept")), first: 1}
	if q.csv {
		q.limit = ExportRows
		if v := values.Get("before_id"); v != "" {
			id, ok := web.ID(v)
			if !ok {
				return query{}, apperr.E(op, apperr.Invalid, "before_id must be a row id")
			}
			q.first, q.afterID = 0, id
		}
	} else {
		if q.limit, err = web.Limit(op, values, defaultLimit, maxLimit); err != nil {
			return query{}, err
		}
		if v := values.Get("cursor"); v != "" {
			var c idCursor
			if err := web.DecodeCursor(op, v, &c, func() bool { return c.I >= 1 }); err != nil {
				return query{}, err
			}
			q.first, q.afterID = 0, c.I
		}
	}
	var from, until time.Time
	for _, t := range []struct {
		name string
		dst  *time.Time
		bind *any
	}{{"from", &from, &q.from}, {"until", &until, &q.until}} {
		v := values.Get(t.name)
		if v == "" {
			continue
		}
		if *t.dst, err = time.Parse(time.RFC3339Nano, v); err != nil {
			return query{}, apperr.E(op, apperr.Invalid, t.name+` must be an RFC 3339 time, e.g. "2026-12-01T00:00:00Z"`)
		}
		*t.bind = t.dst.UTC()
	}
	if q.from != nil && q.until != nil && !until.After(from) {
		return query{}, apperr.E(op, apperr.Invalid, "until must be after from")
	}
	if v := values.Get("source"); v != "" {
		addr, err := netip.ParseAddr(v)
		if err != nil || addr.Zone() != "" {
			return query{}, apperr.E(op, apperr.Invalid, "source must be an IPv4 or IPv6 address")
		}
		q.source = addr.Unmap().String()
	}
	return q, nil
}

// text reads an optional exact-match filter bounded by its column's bytes; shape, when set, is the
// value's byte class.
func (q query) text(op, name string, bytes int, shape func(string) bool) (any, error) {
	v := q.q.Get(name)
	if v == "" {
		return nil, nil
	}
	if err := (web.TextLimit{Field: name, Bytes: bytes}).Check(op, v); err != nil {
		return nil, err
	}
	if shape != nil && !shape(v) {
		return nil, apperr.E(op, apperr.Invalid, name+" is not a known value")
	}
	return v, nil
}

// wantsCSV reports whether the Accept header lists text/csv (the export); anything else is JSON.
func wantsCSV(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != "text/csv" {
			continue
		}
		if qv, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(qv, 64); err != nil || f <= 0 {
				continue
			}
		}
		return true
	}
	return false
}

// snake reports whether s is lower-case letters, digits and '_' (attack types, actions' parts).
func snake(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' && c != '.' {
			return false
		}
	}
	return s != ""
}
