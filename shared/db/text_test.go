package db

import (
	"testing"
	"time"
	"unicode/utf8"
)

func TestCutBytesKeepsWholeCharacters(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		n        int
		want     string
	}{
		{"short_is_unchanged", "abc", 5, "abc"},
		{"exact_is_unchanged", "abc", 3, "abc"},
		{"ascii_is_cut_at_n", "abcdef", 4, "abcd"},
		{"two_byte_character_not_split", "aé", 2, "a"},
		{"three_byte_character_not_split", "a€b", 3, "a"},
		{"four_byte_character_kept_whole", "😀x", 4, "😀"},
		{"zero_is_empty", "abc", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CutBytes(tc.in, tc.n)
			if got != tc.want || len(got) > tc.n && len(tc.in) > tc.n || !utf8.ValidString(got) {
				t.Errorf("CutBytes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
		})
	}
}

func TestNullIfEmpty(t *testing.T) {
	if v := NullIfEmpty(""); v != nil {
		t.Errorf(`NullIfEmpty("") = %v, want nil`, v)
	}
	if v := NullIfEmpty("x"); v != "x" {
		t.Errorf(`NullIfEmpty("x") = %v, want "x"`, v)
	}
}

func TestUTC(t *testing.T) {
	if UTC(nil) != nil {
		t.Error("UTC(nil) is not nil")
	}
	at := time.Date(2026, 12, 5, 3, 0, 0, 0, time.FixedZone("CET", 3600))
	got := UTC(&at)
	if got == nil || got.Location() != time.UTC || !got.Equal(at) || got == &at {
		t.Errorf("UTC(%v) = %v, want the same instant in UTC, a new value", at, got)
	}
}
