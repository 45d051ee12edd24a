package admincatalog

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// resource is one administered table. Its statements are constants in the table's own file, all
// with the same bind layout, and select the columns in one order: id, fields, stored, computed,
// created_at, updated_at (lockSQL: id, fields, stored, created_at, updated_at, FOR UPDATE).
type resource struct {
	noun     string  // "product": the audit entity type and the errors' word
	fields   []field // what an admin writes, in column order
	stored   []field // read-only columns of the table
	computed []field // read-only scalar subqueries, in lists and details only
	unique   string  // the field a unique key covers: a duplicate is 409 <unique>_taken
	check    func(op string, r record) error

	// listSQL: :1 the search pattern (NULL for none), :2 and :3 the pattern against the two
	// searched columns, :4 = 1 on the first page, :5 the id after, :6 the page size (limit+1).
	listSQL   string
	getSQL    string // :1 the id
	lockSQL   string // :1 the id
	insertSQL string // :1..:n the fields, :n+1 created_at, :n+2 updated_at, RETURNING id INTO :n+3
	updateSQL string // :1..:n the fields, :n+1 updated_at, :n+2 the id
}

const (
	defaultLimit = 20
	maxLimit     = 100
)

// Page is one page of a list, newest first.
type Page struct {
	Items      []record `json:"items"`
	NextCursor *string  `json:"next_cursor"`
}

type idCursor struct {
	I int64 `json:"i"`
}

var qLimit = web.TextLimit{Field: "q", Chars: 100, Bytes: 200}

func (rs *resource) notFound(op string) error {
	return apperr.E(op, apperr.NotFound, rs.noun+" not found")
}

func (rs *resource) id(op string, r *http.Request) (int64, error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		return 0, rs.notFound(op)
	}
	return id, nil
}

// scanRow reads one row of the given field groups plus created_at, updated_at (and id first).
func scanRow(scan func(...any) error, groups ...[]field) (record, time.Time, error) {
	var id int64
	var created, updated time.Time
	dest := []any{&id}
	var reads []func() any
	var names []string
	for _, g := range groups {
		for _, f := range g {
			d, read := f.scanner()
			dest, reads, names = append(dest, d), append(reads, read), append(names, f.name)
		}
	}
	dest = append(dest, &created, &updated)
	if err := scan(dest...); err != nil {
		return nil, time.Time{}, err
	}
	rec := record{"id": id, "created_at": created.UTC(), "updated_at": updated.UTC()}
	for i, n := range names {
		rec[n] = reads[i]()
	}
	return rec, updated.UTC(), nil
}

// version is what a record's ETag is computed from: what an admin may change, the stored read-only
// columns and updated_at.
func (rs *resource) etag(rec record) (string, error) {
	v := map[string]any{"i": rec["id"], "u": rec["updated_at"].(time.Time).Format(time.RFC3339Nano)}
	for _, g := range [][]field{rs.fields, rs.stored} {
		for _, f := range g {
			v[f.name] = rec[f.name]
		}
	}
	return web.ETag(v)
}

// writable is the part of rec an admin writes, for audit changes.
func (rs *resource) writable(rec record) map[string]any {
	m := make(map[string]any, len(rs.fields))
	for _, f := range rs.fields {
		m[f.name] = rec[f.name]
	}
	return m
}

func (rs *resource) list(s *Service) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		op := "admincatalog.List" + rs.noun
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return apperr.E(op, apperr.Invalid, "malformed query string")
		}
		limit, err := web.Limit(op, q, defaultLimit, maxLimit)
		if err != nil {
			return err
		}
		var pattern any
		if v := strings.TrimSpace(q.Get("q")); v != "" {
			if err := qLimit.Check(op, v); err != nil {
				return err
			}
			pattern = likePattern(v)
		}
		first, after := 1, int64(0)
		if v := q.Get("cursor"); v != "" {
			var c idCursor
			if err := web.DecodeCursor(op, v, &c, func() bool { return c.I >= 1 }); err != nil {
				return err
			}
			first, after = 0, c.I
		}
		items := []record{}
		err = db.Each(r.Context(), s.db, rs.listSQL, []any{pattern, pattern, pattern, first, after, limit + 1},
			func(scan func(...any) error) error {
				rec, _, err := scanRow(scan, rs.fields, rs.stored, rs.computed)
				items = append(items, rec)
				return err
			})
		if err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		page := Page{Items: items}
		if page.Items, page.NextCursor, err = web.NextPage(items, limit, func(i int) any { return idCursor{I: items[i]["id"].(int64)} }); err != nil {
			return apperr.Wrap(op, apperr.Internal, err)
		}
		web.NoStore(w)
		web.JSON(w, http.StatusOK, page)
		return nil
	}
}

// likePattern is a case-insensitive substring pattern for v, its LIKE wildcards escaped.
func likePattern(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(v)) + "%"
}

// load reads one record with its computed columns: one statement.
func (rs *resource) load(ctx context.Context, q db.DBTX, op string, id int64) (record, error) {
	rows, err := q.QueryContext(ctx, rs.getSQL, id)
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, apperr.Wrap(op, apperr.Internal, err)
		}
		return nil, rs.notFound(op)
	}
	rec, _, err := scanRow(rows.Scan, rs.fields, rs.stored, rs.computed)
	if err != nil {
		return nil, apperr.Wrap(op, apperr.Internal, err)
	}
	return rec, rows.Err()
}

// lock reads the row FOR UPDATE (without computed columns) and its ETag.
func (rs *resource) lock(ctx context.Context, tx *sql.Tx, op string, id int64) (record, string, error) {
	var rec record
	err := db.Each(ctx, tx, rs.lockSQL, []any{id}, func(scan func(...any) error) error {
		var err error
		rec, _, err = scanRow(scan, rs.fields, rs.stored)
		return err
	})
	if err != nil {
		return nil, "", apperr.Wrap(op, apperr.Internal, err)
	}
	if rec == nil {
		return nil, "", rs.notFound(op)
	}
	tag, err := rs.etag(rec)
	if err != nil {
		return nil, "", apperr.Wrap(op, apperr.Internal, err)
	}
	return rec, tag, nil
}

func (rs *resource) answer(w http.ResponseWriter, status int, rec record) error {
	tag, err := rs.etag(rec)
	if err != nil {
		return apperr.Wrap("admincatalog.Answer", apperr.Internal, err)
	}
	w.Header().Set("ETag", tag)
	web.NoStore(w)
	web.JSON(w, status, rec)
	return nil
}

func (rs *resource) get(s *Service) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		op := "admincatalog.Get" + rs.noun
		id, err := rs.id(op, r)
		if err != nil {
			return err
		}
		rec, err := rs.load(r.Context(), s.db, op, id)
		if err != nil {
			return err
		}
		return rs.answer(w, http.StatusOK, rec)
	}
}

// decode reads the body as an object of the resource's fields and returns the fields it sets. On
// create every required field must be sent and the others take their defaults.
func (rs *resource) decode(op string, r *http.Request, creating bool) (record, error) {
	var body map[string]jsontext.Value
	if err := web.Decode(r, &body); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, f := range rs.fields {
		known[f.name] = true
	}
	for name := range body {
		if !known[name] {
			return nil, apperr.E(op, apperr.Invalid, "unknown field "+strconv.Quote(name))
		}
	}
	if len(body) == 0 {
		return nil, apperr.E(op, apperr.Invalid, "send at least one field")
	}
	set := record{}
	for _, f := range rs.fields {
		raw, ok := body[f.name]
		switch {
		case ok:
			v, err := f.parse(op, raw)
			if err != nil {
				return nil, err
			}
			set[f.name] = v
		case creating && f.required:
			return nil, apperr.E(op, apperr.Invalid, f.name+" is required")
		case creating:
			set[f.name] = f.zero()
		}
	}
	return set, nil
}

// merged is cur with set applied, checked against the resource's rules across fields.
func (rs *resource) merged(op string, cur, set record) (record, error) {
	next := record{}
	for k, v := range cur {
		next[k] = v
	}
	for k, v := range set {
		next[k] = v
	}
	if rs.check != nil {
		if err := rs.check(op, next); err != nil {
			return nil, err
		}
	}
	return next, nil
}

func (rs *resource) binds(rec record) []any {
	args := make([]any, 0, len(rs.fields)+3)
	for _, f := range rs.fields {
		args = append(args, f.bind(rec[f.name]))
	}
	return args
}

func (rs *resource) writeErr(op string, err error) error {
	if errors.Is(err, db.ErrUniqueViolation) && rs.unique != "" {
		return apperr.E(op, apperr.Conflict, "another "+rs.noun+" has this "+rs.unique).WithCode(takenCode(rs.unique))
	}
	return apperr.Wrap(op, apperr.Internal, err)
}

func (rs *resource) create(s *Service) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		op := "admincatalog.Create" + rs.noun
		set, err := rs.decode(op, r, true)
		if err != nil {
			return err
		}
		rec, err := rs.merged(op, nil, set)
		if err != nil {
			return err
		}
		var out record
		err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
			now := s.clock()
			id, err := db.InsertReturningID(ctx, tx, rs.insertSQL, append(rs.binds(rec), now, now)...)
			if err != nil {
				return rs.writeErr(op, err)
			}
			if err := security.Audit(ctx, tx, security.Entry{Action: rs.noun + ".create", EntityType: rs.noun,
				EntityID: strconv.FormatInt(id, 10), Details: security.Changes(nil, rs.writable(rec))}); err != nil {
				return err
			}
			out, err = rs.load(ctx, tx, op, id)
			return err
		})
		if err != nil {
			return err
		}
		w.Header().Set("Location", r.URL.Path+"/"+strconv.FormatInt(out["id"].(int64), 10))
		return rs.answer(w, http.StatusCreated, out)
	}
}

// update applies a PATCH under the row's lock after the If-Match check; guard, when set, refuses
// changes the record's state forbids (an archived product's re-activation).
func (rs *resource) update(s *Service, guard func(op string, cur, next record) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		op := "admincatalog.Update" + rs.noun
		id, err := rs.id(op, r)
		if err != nil {
			return err
		}
		// Validate the body before touching the database: bad input changes nothing and costs no lock.
		set, err := rs.decode(op, r, false)
		if err != nil {
			return err
		}
		var out record
		err = db.InTx(r.Context(), s.db, func(ctx context.Context, tx *sql.Tx) error {
			cur, tag, err := rs.lock(ctx, tx, op, id)
			if err != nil {
				return err
			}
			if err := web.CheckIfMatch(op, r, tag); err != nil {
				return err
			}
			next, err := rs.merged(op, cur, set)
			if err != nil {
				return err
			}
			if guard != nil {
				if err := guard(op, cur, next); err != nil {
					return err
				}
			}
			changes := security.Changes(rs.writable(cur), rs.writable(next))
			if len(changes["after"].(map[string]any)) == 0 {
				out, err = rs.load(ctx, tx, op, id) // nothing changes: no write, no audit
				return err
			}
			if _, err := tx.ExecContext(ctx, rs.updateSQL, append(rs.binds(next), s.clock(), id)...); err != nil {
				return rs.writeErr(op, err)
			}
			if err := security.Audit(ctx, tx, security.Entry{Action: rs.noun + ".update", EntityType: rs.noun,
				EntityID: strconv.FormatInt(id, 10), Details: changes}); err != nil {
				return err
			}
			out, err = rs.load(ctx, tx, op, id)
			return err
		})
		if err != nil {
			return err
		}
		return rs.answer(w, http.StatusOK, out)
	}
}

// takenCode is the error code of a duplicate unique key, <field>_taken, spelled out per field so the
// README's Errors table check (shared/stacktest/readme) sees each one.
func takenCode(field string) string {
	switch field {
	case "sku":
		return codeSKUTaken
	case "code":
		return codeCodeTaken
	case "name":
		return codeNameTaken
	}
	return "conflict"
}

// The duplicate-key error codes.
const (
	codeSKUTaken  = "sku_taken"
	codeCodeTaken = "code_taken"
	codeNameTaken = "name_taken"
)
