// Command workflow-gateway is the workflow gateway function's binary: the same executable serves OCI
// Functions, AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"
	"strings"
	"time"

	workflowgateway "github.com/octo-drone-shop/serverless/functions/workflow-gateway"
	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/boot"
	"github.com/octo-drone-shop/serverless/shared/telemetry"

	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
)

// platforms is the composition's one choice between ATP and the embedded database.
var platforms = map[string]func(e *boot.Env) workflowgateway.Platform{
	dialects.Oracle: func(e *boot.Env) workflowgateway.Platform {
		return workflowgateway.OraclePlatform{Q: workflowgateway.DBQuerier{DB: e.DB}, Modules: []string{moduleOf(e)}}
	},
	dialects.SQLite: func(e *boot.Env) workflowgateway.Platform {
		return workflowgateway.EmbeddedPlatform{DB: e.DB, Started: time.Now()}
	},
}

// moduleOf is the session MODULE the data layer tags the bundle's statements with.
func moduleOf(e *boot.Env) string {
	if m := strings.TrimSpace(e.Config.Service); m != "" {
		return m
	}
	return telemetry.DefaultServiceName
}

func main() {
	boot.Main(workflowgateway.Name, func(e *boot.Env) (http.Handler, error) {
		return workflowgateway.New(e.DB, e.Log, workflowgateway.Options{
			Platform:        platforms[e.Config.DB.Driver](e),
			SelectAIProfile: strings.TrimSpace(e.Getenv("OCTO_SELECT_AI_PROFILE")),
			Probes:          workflowgateway.ProbesFromEnv(e.Getenv),
		})
	})
}
