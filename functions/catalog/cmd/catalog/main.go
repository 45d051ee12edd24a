// Command catalog is the catalog function's binary: the same executable serves OCI Functions, AWS
// Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/functions/catalog"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(catalog.Name, func(e *boot.Env) (http.Handler, error) { return catalog.New(e.DB, e.Log) })
}
