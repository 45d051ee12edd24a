// Command auth is the auth function's binary: the same executable serves OCI Functions, AWS Lambda
// and plain HTTP (see package serve).
package main

import (
	"context"
	"net/http"

	"github.com/octo-drone-shop/serverless/functions/auth"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(auth.Name, func(e *boot.Env) (http.Handler, error) {
		return auth.Build(context.Background(), e.DB, e.Getenv, e.Log)
	})
}
