// Command crm-customers is the crm-customers function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	crmcustomers "github.com/octo-drone-shop/serverless/functions/crm-customers"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(crmcustomers.Name, func(e *boot.Env) (http.Handler, error) { return crmcustomers.New(e.DB, e.Log) })
}
