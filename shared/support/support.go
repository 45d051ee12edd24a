// Package support holds the support desk's rules shared by the customer's ticket function and the
// staff's crm-support function: the ticket status machine, written once, and the service levels.
package support

import (
	"slices"
	"time"
)

// Status is a ticket's status.
type Status string

// The statuses of a ticket.
const (
	Open       Status = "open"
	InProgress Status = "in_progress"
	Resolved   Status = "resolved"
	Closed     Status = "closed"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Open || s == InProgress || s == Resolved || s == Closed }

// NextStatuses is the ticket status machine, the one place it is written down: the statuses a ticket
// in status from may move to. open -> in_progress -> resolved -> closed, and resolved -> open when
// the customer writes again (a reopen). closed is final.
func NextStatuses(from Status) []Status {
	switch from {
	case Open:
		return []Status{InProgress}
	case InProgress:
		return []Status{Resolved}
	case Resolved:
		return []Status{Closed, Open}
	}
	return []Status{}
}

// CanTransition reports whether a ticket may move from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(NextStatuses(from), to) }

// AcceptsMessages reports whether a ticket in the status takes new messages: a ticket in a final
// status (closed, the one without a way out) takes none.
func AcceptsMessages(s Status) bool { return len(NextStatuses(s)) > 0 }

// AfterCustomerMessage is the status a ticket moves to when its customer writes: a resolved ticket
// reopens, any other keeps its status.
func AfterCustomerMessage(s Status) Status {
	if s == Resolved && CanTransition(Resolved, Open) {
		return Open
	}
	return s
}

// AfterAgentReply is the status a ticket moves to when an agent answers the customer: an open
// ticket is being worked on, any other keeps its status. An internal note changes nothing.
func AfterAgentReply(s Status) Status {
	if s == Open && CanTransition(Open, InProgress) {
		return InProgress
	}
	return s
}

// Priorities, lowest first.
var Priorities = []string{"low", "medium", "high", "urgent"}

// ValidPriority reports whether p is a ticket priority.
func ValidPriority(p string) bool { return slices.Contains(Priorities, p) }

// ResponseTime is the service level of a priority: how long a ticket may stay open or in progress
// after it was opened (urgent 4 h, high 8 h, medium 24 h, low 72 h).
func ResponseTime(priority string) time.Duration {
	switch priority {
	case "urgent":
		return 4 * time.Hour
	case "high":
		return 8 * time.Hour
	case "low":
		return 72 * time.Hour
	}
	return 24 * time.Hour
}

// Breached reports whether a ticket in status, opened at created with priority, is past its service
// level at now: only tickets still waiting (open, in progress) can be.
func Breached(status Status, priority string, created, now time.Time) bool {
	return (status == Open || status == InProgress) && now.After(created.Add(ResponseTime(priority)))
}
