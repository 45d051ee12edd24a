package crmmarketing

import (
	"slices"
	"testing"
)

// Every pair of statuses is either an edge of the machine or refused; the table is the documented
// machine, so a change to machine.go that is not a documented decision fails here.
func TestCampaignMachine(t *testing.T) {
	edges := map[[2]string]bool{
		{Draft, Active}: true, {Active, Paused}: true, {Active, Completed}: true, {Paused, Active}: true, {Paused, Completed}: true,
	}
	all := []string{Draft, Active, Paused, Completed}
	for _, from := range all {
		for _, to := range all {
			if got, want := canMoveCampaign(from, to), edges[[2]string{from, to}]; got != want {
				t.Errorf("%s -> %s allowed = %v, want %v", from, to, got, want)
			}
		}
	}
	if got := allowedCampaign(Completed); got == nil || len(got) != 0 {
		t.Errorf("completed allows %v, want an empty list", got)
	}
	for status, want := range map[string]bool{Draft: false, Active: true, Paused: true, Completed: false} {
		if takesSpend(status) != want {
			t.Errorf("takesSpend(%s) = %v", status, !want)
		}
	}
	if isCampaignStatus("archived") || !isCampaignStatus(Paused) || isCampaignType("tv") || !isCampaignType("ppc") {
		t.Error("status or type vocabulary is wrong")
	}
}

func TestLeadMachine(t *testing.T) {
	edges := map[[2]string]bool{
		{LeadNew, LeadContacted}: true, {LeadNew, LeadLost}: true, {LeadContacted, LeadQualified}: true, {LeadContacted, LeadLost}: true,
		{LeadQualified, LeadConverted}: true, {LeadQualified, LeadLost}: true,
	}
	for _, from := range leadStatuses {
		for _, to := range leadStatuses {
			if got, want := canMoveLead(from, to), edges[[2]string{from, to}]; got != want {
				t.Errorf("%s -> %s allowed = %v, want %v", from, to, got, want)
			}
		}
	}
	if got := allowedLead(LeadQualified); !slices.Equal(got, []string{LeadConverted, LeadLost}) {
		t.Errorf("qualified allows %v", got)
	}
	if isLeadStatus("won") || !isLeadStatus(LeadLost) {
		t.Error("lead status vocabulary is wrong")
	}
}
