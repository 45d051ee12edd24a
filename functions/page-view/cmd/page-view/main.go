// Command page-view is the page-view function's binary: the same executable serves OCI Functions, AWS
// Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	pageview "github.com/octo-drone-shop/serverless/functions/page-view"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(pageview.Name, func(e *boot.Env) (http.Handler, error) { return pageview.New(e.DB, e.Log) })
}
