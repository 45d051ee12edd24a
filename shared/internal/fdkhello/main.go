// Command fdkhello is the plainest fdk-go function: every call is answered 200 "hello". The
// cold-start benchmark measures it next to the real functions as the baseline of what the OCI
// Functions runtime itself costs, so it must stay free of anything else. make bench-spine builds it as
// fdk-go's own build image builds a function (golang on Alpine with build-base: cgo on, so net links
// the C library and the binary is dynamic), and once more without cgo for a reference row.
package main

import (
	"io"
	"net/http"

	fdk "github.com/fnproject/fdk-go"
)

func main() {
	fdk.Handle(fdk.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello")
	})))
}
