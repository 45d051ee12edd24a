package auth

import (
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/security"
)

// recordBruteForce reports the brute force the throttle saw to the bundle's security-event recorder
// (package security): a brute_force row aggregated per source address and minute, a span event and
// the metric. Recording never fails the request.
func (s *Service) recordBruteForce(r *http.Request, account string, ad admission) {
	security.Report(r.Context(), security.BruteForce, security.Event{
		Payload: "repeated failed logins for one " + ad.counter,
		Details: map[string]any{
			"counter":        ad.counter, // "pair", "address" or "account": which limit was reached
			"failures":       ad.failures,
			"window_seconds": int(s.throttle.Window.Seconds()),
			"account":        account, // the email the attempts targeted
			"refused":        ad.refused,
		},
	})
}
