// Command lead-capture is the lead-capture function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	leadcapture "github.com/octo-drone-shop/serverless/functions/lead-capture"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(leadcapture.Name, func(e *boot.Env) (http.Handler, error) { return leadcapture.New(e.DB, e.Log) })
}
