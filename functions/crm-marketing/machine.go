package crmmarketing

import "slices"

// The campaign statuses (campaigns.status).
const (
	Draft     = "draft"
	Active    = "active"
	Paused    = "paused"
	Completed = "completed"
)

// campaignNext is the campaign state machine, the one place it is written down: draft -> active
// (launch), active -> paused | completed, paused -> active (resume) | completed. completed is final;
// a launched campaign never goes back to draft (its code is public on forms by then), and a draft is
// never completed without running (a draft that will not run simply stays a draft).
var campaignNext = map[string][]string{
	Draft:  {Active},
	Active: {Paused, Completed},
	Paused: {Active, Completed},
}

// allowedCampaign returns the statuses a campaign in status from may move to (never nil, for JSON).
func allowedCampaign(from string) []string { return append([]string{}, campaignNext[from]...) }

// canMoveCampaign reports whether a campaign may move from one status to another.
func canMoveCampaign(from, to string) bool { return slices.Contains(campaignNext[from], to) }

// isCampaignStatus reports whether s is one of the campaign statuses.
func isCampaignStatus(s string) bool {
	switch s {
	case Draft, Active, Paused, Completed:
		return true
	}
	return false
}

// takesSpend reports whether spend may be recorded on a campaign in status: a running or paused
// campaign (invoices arrive after a pause); not a draft (nothing ran) nor a completed one (closed).
func takesSpend(status string) bool { return status == Active || status == Paused }

// isCampaignType reports whether s is one of the campaign types (campaigns.campaign_type).
func isCampaignType(s string) bool {
	switch s {
	case "email", "social", "ppc", "referral":
		return true
	}
	return false
}

// The lead statuses (leads.status).
const (
	LeadNew       = "new"
	LeadContacted = "contacted"
	LeadQualified = "qualified"
	LeadConverted = "converted"
	LeadLost      = "lost"
)

// leadStatuses is every lead status, in funnel order.
var leadStatuses = []string{LeadNew, LeadContacted, LeadQualified, LeadConverted, LeadLost}

// leadNext is the lead state machine: new -> contacted -> qualified -> converted, and any open lead
// (new, contacted, qualified) -> lost. converted and lost are final: converting links a customer,
// which is what makes a concurrent second convert a 409 instead of a second customer.
var leadNext = map[string][]string{
	LeadNew:       {LeadContacted, LeadLost},
	LeadContacted: {LeadQualified, LeadLost},
	LeadQualified: {LeadConverted, LeadLost},
}

// allowedLead returns the statuses a lead in status from may move to (never nil, for JSON).
func allowedLead(from string) []string { return append([]string{}, leadNext[from]...) }

// canMoveLead reports whether a lead may move from one status to another.
func canMoveLead(from, to string) bool { return slices.Contains(leadNext[from], to) }

// isLeadStatus reports whether s is one of the lead statuses.
func isLeadStatus(s string) bool { return slices.Contains(leadStatuses, s) }
