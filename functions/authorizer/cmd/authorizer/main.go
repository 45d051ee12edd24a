// Command authorizer is the API Gateway custom authorizer function's binary. It uses no database, so
// its cold start (on the path of every protected request) opens none.
package main

import (
	"context"
	"net/http"

	"github.com/octo-drone-shop/serverless/functions/authorizer"
	"github.com/octo-drone-shop/serverless/shared/boot"
)

func main() {
	boot.Main(authorizer.Name, func(e *boot.Env) (http.Handler, error) {
		return authorizer.Build(context.Background(), e.Getenv, e.Log)
	}, boot.WithoutDatabase())
}
