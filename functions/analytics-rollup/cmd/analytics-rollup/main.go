// Command analytics-rollup is the analytics function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	analyticsrollup "github.com/octo-drone-shop/serverless/functions/analytics-rollup"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(analyticsrollup.Name, func(e *boot.Env) (http.Handler, error) { return analyticsrollup.Build(e.DB, e.Getenv, e.Log) })
}
