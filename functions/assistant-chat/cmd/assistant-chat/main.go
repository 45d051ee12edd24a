// Command assistant-chat is the assistant-chat function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"

	assistant "github.com/octo-drone-shop/serverless/functions/assistant-chat"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

func main() {
	boot.Main(assistant.Name, func(e *boot.Env) (http.Handler, error) {
		cfg, err := assistant.ConfigFromEnv(e.Getenv)
		if err != nil {
			return nil, err
		}
		opts := []assistant.Option{assistant.WithTelemetry(e.Telemetry.TracerProvider(), e.Telemetry.MeterProvider())}
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
