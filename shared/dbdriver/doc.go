// Package dbdriver links the one database driver of a build and registers it with package boot (the
// pool a function opens at cold start) and package db (the dialect, by importing its package):
//
//   - the local build (no tag: make build, make run, the tests) links the embedded SQLite
//     (modernc.org/sqlite, package sqlite) and not godror;
//   - the image's build (-tags oracle, the Dockerfile) links Oracle through godror (package
//     oracle/oradb) and not SQLite.
//
// Every function with a database imports it from its main, for its side effect:
//
//	import _ "github.com/octo-drone-shop/serverless/shared/dbdriver"
//
// A function without a database (the authorizer) does not, so it links neither driver. The image's
// build also links the OCI Vault client (the wallet and password, the APM data key, the token signing
// key); the local build, which never runs on OCI, does not. The shared/internal/linkcheck test checks
// each function's binary, in both builds, links what it should.
package dbdriver
