// Command admin-audit is the admin-audit function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	adminaudit "github.com/octo-drone-shop/serverless/functions/admin-audit"
	"github.com/octo-drone-shop/serverless/shared/boot"

	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(adminaudit.Name, func(e *boot.Env) (http.Handler, error) { return adminaudit.New(e.DB, e.Log) })
}
