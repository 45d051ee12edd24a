// Command assistant-chat is the assistant-chat function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"context"
	"net/http"

	assistant "github.com/octo-drone-shop/serverless/functions/assistant-chat"
	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/identity"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(assistant.Name, func(e *boot.Env) (http.Handler, error) {
		cfg, err := assistant.ConfigFromEnv(e.Getenv)
		if err != nil {
			return nil, err
		}
		// The routes are signed in by the caller's token, verified here with the authorizer's keys
		// (public keys only; see security.Optional).
		verifier, err := identity.VerifierFromEnv(context.Background(), e.Getenv)
		if err != nil {
			return nil, err
		}
		opts := []assistant.Option{assistant.WithTelemetry(e.Telemetry.TracerProvider(), e.Telemetry.MeterProvider()),
			assistant.WithVerifier(verifier)}
		if cfg.GenAI.Configured() {
			model, err := assistant.NewGenAI(cfg.GenAI)
			if err != nil {
				return nil, err
			}
			opts = append(opts, assistant.WithModel(model))
		}
		return assistant.New(e.DB, e.Log, cfg, opts...)
	})
}
