// Package e2e holds the bundle's security tests through the real local gateway and the real
// function binaries (see corpus_test.go): the attack and benign corpora sent to every public write
// route, the audit of staff and admin writes, headers, CORS preflights and internal error bodies.
// It has no non-test code.
package e2e
