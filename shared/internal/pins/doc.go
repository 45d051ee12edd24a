// Package pins holds the test that keeps the required module versions pinned: the module proxy of our
// build environment lists few versions, and a careless `go get` of an unrelated module has already
// downgraded pinned ones silently (minimal version selection picks what the new module asks for).
package pins
