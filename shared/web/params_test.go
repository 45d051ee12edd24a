package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

func TestTextLimitSizes(t *testing.T) {
	name := TextLimit{Field: "name", Chars: 5, Bytes: 8}
	note := TextLimit{Field: "note", Chars: 10, Bytes: 10, Multiline: true}
	tests := []struct {
		name  string
		limit TextLimit
		v     string
		ok    bool
	}{
		{"apostrophes and dashes pass as they are", name, "O'B--", true},
		{"too many characters fail", name, "abcdef", false},
		{"few characters but too many bytes fail", name, "ééééé", false},
		{"a line break fails in a one-line field", name, "a\nb", false},
		{"a line break passes in a multi-line field", note, "a\nb\tc", true},
		{"other control characters always fail", note, "a\x00b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.limit.Check("test", tt.v)
			if (err == nil) != tt.ok || (err != nil && apperr.KindOf(err) != apperr.Invalid) {
				t.Fatalf("Check(%q) = %v, want ok=%v", tt.v, err, tt.ok)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want int
		ok   bool
	}{{"", 20, true}, {"limit=1", 1, true}, {"limit=50", 50, true}, {"limit=0", 0, false}, {"limit=51", 0, false}, {"limit=x", 0, false}} {
		q, _ := url.ParseQuery(tt.q)
		got, err := Limit("test", q, 20, 50)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Limit(%q) = %d, %v", tt.q, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "from 1 to 50") {
			t.Errorf("message %q does not give the range", err)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	type pos struct {
		At time.Time `json:"t"`
		ID int64     `json:"i"`
	}
	in := pos{At: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), ID: 42}
	s, err := EncodeCursor(in)
	if err != nil {
		t.Fatal(err)
	}
	var out pos
	valid := func() bool { return out.ID >= 1 && !out.At.IsZero() }
	if err := DecodeCursor("test", s, &out, valid); err != nil || out != in {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	for _, bad := range []string{"!!!", "bm90LWpzb24", mustCursor(t, pos{ID: 0})} {
		var p pos
		if err := DecodeCursor("test", bad, &p, func() bool { return p.ID >= 1 }); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("DecodeCursor(%q) = %v, want invalid_request", bad, err)
		}
	}
}

func mustCursor(t *testing.T, v any) string {
	t.Helper()
	s, err := EncodeCursor(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ParseNewestFirst, Keyset and Next together page a list newest first without gaps or repeats, and
// refuse limits and cursors the API did not hand out.
func TestNewestFirstPaging(t *testing.T) {
	type row struct {
		at time.Time
		id int64
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var all []row // newest first; ids 7 and 6 share a timestamp
	for id := int64(9); id >= 1; id-- {
		at := base.Add(time.Duration(id) * time.Minute)
		if id == 6 {
			at = base.Add(7 * time.Minute)
		}
		all = append(all, row{at, id})
	}
	key := func(r row) (time.Time, int64) { return r.at, r.id }
	var seen []int64
	q := url.Values{"limit": {"4"}}
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		req, err := ParseNewestFirst("test", q, 20, 100)
		if err != nil {
			t.Fatal(err)
		}
		first, at, id := req.Keyset()
		var fetched []row // what (:first = 1 OR t < :at OR (t = :at AND id < :id)) LIMIT limit+1 returns
		for _, r := range all {
			if len(fetched) <= req.Limit && (first == 1 || r.at.Before(at.(time.Time)) || r.at.Equal(at.(time.Time)) && r.id < id) {
				fetched = append(fetched, r)
			}
		}
		page, next, err := Next(req, fetched, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page {
			seen = append(seen, r.id)
		}
		if next == nil {
			break
		}
		q.Set("cursor", *next)
	}
	if fmt.Sprint(seen) != "[9 8 7 6 5 4 3 2 1]" {
		t.Fatalf("paged %v, want every row once, newest first", seen)
	}
	for _, bad := range []url.Values{{"limit": {"0"}}, {"limit": {"101"}}, {"cursor": {"not-a-cursor"}}, {"cursor": {"e30"}}} {
		if _, err := ParseNewestFirst("test", bad, 20, 100); err == nil {
			t.Errorf("ParseNewestFirst(%v) accepted", bad)
		}
	}
}

// NextPage keeps limit items and names the position after the last kept one, or returns a short
// page as it is with no cursor.
func TestNextPage(t *testing.T) {
	type at struct{ I int }
	after := func(items []int) func(int) any { return func(i int) any { return at{I: items[i]} } }
	full := []int{10, 20, 30}
	got, next, err := NextPage(full, 2, after(full))
	if err != nil || len(got) != 2 || got[1] != 20 || next == nil {
		t.Fatalf("NextPage(3 items, 2) = %v, %v, %v", got, next, err)
	}
	var c at
	if err := DecodeCursor("test", *next, &c, nil); err != nil || c.I != 20 {
		t.Fatalf("cursor %q decodes to %+v, %v; want the last kept item", *next, c, err)
	}
	short := []int{10, 20}
	if got, next, err := NextPage(short, 2, after(short)); err != nil || len(got) != 2 || next != nil {
		t.Fatalf("NextPage(2 items, 2) = %v, %v, %v; want both and no cursor", got, next, err)
	}
}
