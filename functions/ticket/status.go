package ticket

import "slices"

// Status is a ticket's status.
type Status string

// The statuses of a ticket.
const (
	Open       Status = "open"
	InProgress Status = "in_progress"
	Resolved   Status = "resolved"
	Closed     Status = "closed"
)

// nextStatuses is the ticket status machine, the one place it is written down: the statuses a
// ticket in status from may move to. open -> in_progress -> resolved -> closed, and resolved -> open
// when the customer writes again (a reopen). closed is final.
func nextStatuses(from Status) []Status {
	switch from {
	case Open:
		return []Status{InProgress}
	case InProgress:
		return []Status{Resolved}
	case Resolved:
		return []Status{Closed, Open}
	}
	return nil
}

// CanTransition reports whether a ticket may move from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(nextStatuses(from), to) }

// AcceptsMessages reports whether a ticket in the status takes new messages: a ticket in a final
// status (closed, the one without a way out) takes none.
func AcceptsMessages(s Status) bool { return len(nextStatuses(s)) > 0 }

// afterCustomerMessage is the status a ticket moves to when its customer writes: a resolved ticket
// reopens, any other keeps its status.
func afterCustomerMessage(s Status) Status {
	if s == Resolved && CanTransition(Resolved, Open) {
		return Open
	}
	return s
}
