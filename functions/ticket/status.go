package ticket

import "github.com/octo-drone-shop/serverless/shared/support"

// Status is a ticket's status; the machine is package support's, shared with the staff's
// crm-support function.
type Status = support.Status

// The statuses of a ticket.
const (
	Open       = support.Open
	InProgress = support.InProgress
	Resolved   = support.Resolved
	Closed     = support.Closed
)

// CanTransition reports whether a ticket may move from one status to another.
func CanTransition(from, to Status) bool { return support.CanTransition(from, to) }

// AcceptsMessages reports whether a ticket in the status takes new messages.
func AcceptsMessages(s Status) bool { return support.AcceptsMessages(s) }

func afterCustomerMessage(s Status) Status { return support.AfterCustomerMessage(s) }
