// Command authorizer is the API Gateway custom authorizer's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/octo-drone-shop/serverless/functions/authorizer"
	"github.com/octo-drone-shop/serverless/shared/boot"
)

func main() {
	boot.Main(authorizer.Name, func(e *boot.Env) (http.Handler, error) {
		return authorizer.Build(context.Background(), os.Getenv, e.Log)
	})
}
