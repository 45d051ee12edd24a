// Package notifier is the function that delivers the bundle's email: on each scheduled invocation
// it drains the notification outbox (notify.Drainer) through the sender chosen by configuration
// (OCTO_MAIL_SENDER: a file per message under $OCTO_DATA_DIR/mail/ locally, SMTP with STARTTLS, or
// OCI Email Delivery with the function's resource principal).
//
//	POST /_invoke  (OCI Resource Scheduler, every minute)  -> {"sent","failed","parked"}
//
// A drain sends at most one batch per pass and keeps passing while whole batches were sent and the
// invocation has time left, so a backlog empties without one invocation outliving its timeout.
package notifier

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/notify"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "notifier"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// reserve is the time left unused at the end of an invocation, for the answer and the spans.
const reserve = 15 * time.Second

// New returns the notifier's handler over the drainer.
func New(d *notify.Drainer, log *slog.Logger) (http.Handler, error) {
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		web.InvokePattern: func(w http.ResponseWriter, r *http.Request) error {
			total, err := drain(r.Context(), d)
			if err != nil {
				return apperr.Wrap("notifier.Drain", apperr.Unavailable, err)
			}
			web.JSON(w, http.StatusOK, total)
			return nil
		},
	})
}

func drain(ctx context.Context, d *notify.Drainer) (notify.Result, error) {
	batch := d.Batch
	if batch <= 0 {
		batch = notify.DefaultBatch
	}
	var total notify.Result
	for {
		res, err := d.Drain(ctx)
		total.Sent += res.Sent
		total.Failed += res.Failed
		total.Parked += res.Parked
		if err != nil {
			return total, err
		}
		dl, ok := ctx.Deadline()
		if res.Sent+res.Failed+res.Parked < batch || (ok && time.Until(dl) < reserve) {
			return total, nil
		}
	}
}

// Build is the notifier's composition: the mail configuration, its sender (built once per
// container) and the handler.
func Build(store *sql.DB, getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	cfg, err := notify.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	d, err := cfg.NewDrainer(store, log)
	if err != nil {
		return nil, err
	}
	return New(d, log)
}
