package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

func TestTextLimit(t *testing.T) {
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
