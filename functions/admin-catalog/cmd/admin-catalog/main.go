// Command admin-catalog is the admin-catalog function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	admincatalog "github.com/octo-drone-shop/serverless/functions/admin-catalog"
	"github.com/octo-drone-shop/serverless/shared/boot"

	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(admincatalog.Name, func(e *boot.Env) (http.Handler, error) { return admincatalog.New(e.DB, e.Log) })
}
