// Package e2e holds the assistant's end-to-end test: a conversation through the local gateway and the
// real function binary over a migrated and seeded database, as `make run` serves it.
package e2e
