// Command checkout is the checkout function's binary: the same executable serves OCI Functions, AWS
// Lambda and plain HTTP (see package serve).
package main

import (
	"context"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/functions/checkout"
	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/identity"

	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
	"github.com/octo-drone-shop/serverless/shared/notify"
)

func main() {
	boot.Main(checkout.Name, func(e *boot.Env) (http.Handler, error) {
		mail, err := notify.ConfigFromEnv(e.Getenv)
		if err != nil {
			return nil, err
		}
		drainer, err := mail.NewDrainer(e.DB, e.Log)
		if err != nil {
			return nil, err
		}
		// The coupon preview is signed in by the caller's token, verified here with the authorizer's
		// keys (public keys only; see security.Optional).
		verifier, err := identity.VerifierFromEnv(context.Background(), e.Getenv)
		if err != nil {
			return nil, err
		}
		return checkout.New(e.DB, e.Log, checkout.WithMetrics(e.Telemetry.Instruments()),
			checkout.WithNotifications(mail, notify.InProcess(drainer, 20*time.Second)), checkout.WithVerifier(verifier))
	})
}
