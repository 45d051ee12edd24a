// Package e2e runs the support desk's walk-through through the local gateway and the real function
// binaries: a support agent works the order backlog and a ticket, the customer sees the results and
// gets the emails, and other roles are refused.
package e2e
