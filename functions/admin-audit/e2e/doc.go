// Package e2e runs the audit export through the local gateway and the real function binaries, where
// the answer travels over the OCI Functions protocol and is held to its 6 MB limit.
package e2e
