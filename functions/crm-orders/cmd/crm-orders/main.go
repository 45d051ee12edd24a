// Command crm-orders is the crm-orders function's binary: the same executable serves OCI Functions,
// AWS Lambda and plain HTTP (see package serve).
package main

import (
	"net/http"
	"time"

	crmorders "github.com/octo-drone-shop/serverless/functions/crm-orders"
	"github.com/octo-drone-shop/serverless/shared/boot"
	// The build's database driver: SQLite locally, Oracle with -tags oracle (the image).
	_ "github.com/octo-drone-shop/serverless/shared/dbdriver"
	"github.com/octo-drone-shop/serverless/shared/notify"
)

func main() {
	boot.Main(crmorders.Name, func(e *boot.Env) (http.Handler, error) {
		mail, err := notify.ConfigFromEnv(e.Getenv)
		if err != nil {
			return nil, err
		}
		drainer, err := mail.NewDrainer(e.DB, e.Log)
		if err != nil {
			return nil, err
		}
		return crmorders.New(e.DB, e.Log, mail, notify.InProcess(drainer, 20*time.Second))
	})
}
