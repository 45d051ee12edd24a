// Command checkout is the checkout function's binary: the same executable serves OCI Functions, AWS
// Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/functions/checkout"
	"github.com/octo-drone-shop/serverless/shared/boot"
)

func main() {
	boot.Main(checkout.Name, func(e *boot.Env) (http.Handler, error) {
		return checkout.New(e.DB, e.Log, checkout.WithMetrics(e.Telemetry.Instruments()))
	})
}
