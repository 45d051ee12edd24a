package web

import (
	"net/http/httptest"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

func TestCheckIfMatch(t *testing.T) {
	current, err := ETag(map[string]any{"name": "a", "updated_at": "2026-01-01T00:00:00.000Z"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ETag(map[string]any{"name": "b", "updated_at": "2026-01-01T00:00:00.000Z"})
	if other == current {
		t.Fatal("two versions share an ETag")
	}
	for _, tc := range []struct {
		name, header string
		want         apperr.Kind
		ok           bool
	}{
		{"missing_is_428", "", apperr.PreconditionRequired, false},
		{"stale_is_412", other, apperr.PreconditionFailed, false},
		{"star_is_412", "*", apperr.PreconditionFailed, false},
		{"current_passes", current, 0, true},
		{"current_in_a_list_passes", other + ", " + current, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("PATCH", "/x", nil)
			if tc.header != "" {
				r.Header.Set("If-Match", tc.header)
			}
			err := CheckIfMatch("test", r, current)
			if tc.ok != (err == nil) || (!tc.ok && apperr.KindOf(err) != tc.want) {
				t.Fatalf("CheckIfMatch(%q) = %v", tc.header, err)
			}
		})
	}
}
