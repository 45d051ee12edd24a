package security

import (
	"reflect"
	"testing"
)

func TestChangesKeepsOnlyDifferingFields(t *testing.T) {
	got := Changes(map[string]any{"name": "A", "phone": "1", "gone": "x"}, map[string]any{"name": "A", "phone": "2", "new": 3})
	want := map[string]any{
		"before": map[string]any{"phone": "1", "new": nil, "gone": "x"},
		"after":  map[string]any{"phone": "2", "new": 3, "gone": nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Changes = %v, want %v", got, want)
	}
}
