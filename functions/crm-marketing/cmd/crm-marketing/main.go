// Command crm-marketing is the crm-marketing function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	crmmarketing "github.com/octo-drone-shop/serverless/functions/crm-marketing"
	"github.com/octo-drone-shop/serverless/shared/boot"

	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(crmmarketing.Name, func(e *boot.Env) (http.Handler, error) { return crmmarketing.New(e.DB, e.Log) })
}
