// Package cgorule decides whether a function's binary is built with cgo: only when a package it links,
// outside the standard library, has cgo files. In the image's build (-tags oracle) that is godror, in
// every function with a database; the authorizer links no driver, and the local build's SQLite
// (modernc.org/sqlite) is pure Go, so those binaries are built with CGO_ENABLED=0.
//
// Why it matters: with cgo on, the standard library's net and os/user packages use the C library, and
// a Go binary that links them is dynamically linked. Its every start then runs the dynamic loader and
// the C library's own start-up before the Go runtime's: measured at ~1 ms of a cold start on this VM
// (ARCHITECTURE.md, "Cold start"). A binary built without cgo is static and skips it, at no cost to
// what it does (Go's own DNS resolver and user lookup serve the same files).
//
// The Dockerfile runs the same go list template (tfcheck checks it does, and runs it for every
// function); the benchmark's image builds and the tests use Packages.
package cgorule

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Template is the go list -f template that prints the import path of each package of a build, outside
// the standard library, that has cgo files (and an empty line for every other package).
const Template = `{{if and (not .Standard) .CgoFiles}}{{.ImportPath}}{{end}}`

// Packages returns the packages outside the standard library with cgo files that pkg links in the
// build with the given tags, as go list sees them with cgo enabled, run in dir (the repository root).
func Packages(ctx context.Context, dir, tags, pkg string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-tags="+tags, "-f", Template, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -deps %s: %w\n%s", pkg, err, stderr.Bytes())
	}
	return strings.Fields(string(out)), nil
}

// Env is the CGO_ENABLED setting of a binary that links the cgo packages pkgs (Packages' answer).
func Env(pkgs []string) string {
	if len(pkgs) > 0 {
		return "CGO_ENABLED=1"
	}
	return "CGO_ENABLED=0"
}
