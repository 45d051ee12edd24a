// Package e2e holds the bundle's access-control test: every protected route of every function,
// through the real local gateway and the real authorizer binary (see matrix_test.go). It has no
// non-test code.
package e2e
