package crmmarketing

import (
	"encoding/json"
	"testing"
)

// TestLeadCountsEncodeAsTheMapOfEveryStatus: by_status is a named type for the OpenAPI document;
// it must hold every lead status and encode exactly as the map of statuses it replaced.
func TestLeadCountsEncodeAsTheMapOfEveryStatus(t *testing.T) {
	var c LeadCounts
	want := map[string]int64{}
	for i, st := range leadStatuses {
		if !c.add(st, int64(i+1)) {
			t.Fatalf("LeadCounts has no %s", st)
		}
		want[st] = int64(i + 1)
	}
	if c.add("archived", 1) {
		t.Error("LeadCounts counted a status that is not a lead's")
	}
	got, _ := json.Marshal(c)
	w, _ := json.Marshal(want)
	if string(got) != string(w) {
		t.Errorf("LeadCounts encodes as %s, the map as %s", got, w)
	}
}
