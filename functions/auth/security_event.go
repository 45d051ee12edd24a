package auth

import (
	"encoding/json"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// This file is the auth function's stand-in for the bundle's shared security-event recorder: it
// writes the brute_force event of the login lockout straight into security_events. It is isolated
// here so that the shared recorder can replace it with one call.

// recordBruteForceSQL adds one brute_force event to the row of its source address and minute
// (security_events is aggregated per source_ip, attack_type and window_start, so a flood updates a
// counter instead of filling the table).
const recordBruteForceSQL = `MERGE INTO security_events e
USING (SELECT :1 AS attack_type, :2 AS severity, :3 AS endpoint, :4 AS http_method, :5 AS source_ip,
              :6 AS user_agent, :7 AS payload, :8 AS trace_id, :9 AS details, :10 AS window_start FROM dual) s
ON (e.source_ip = s.source_ip AND e.attack_type = s.attack_type AND e.window_start = s.window_start)
WHEN MATCHED THEN UPDATE SET e.event_count = e.event_count + 1, e.updated_at = SYSTIMESTAMP
WHEN NOT MATCHED THEN INSERT (attack_type, severity, endpoint, http_method, source_ip, user_agent, payload, trace_id, details, window_start)
VALUES (s.attack_type, s.severity, s.endpoint, s.http_method, s.source_ip, s.user_agent, s.payload, s.trace_id, s.details, s.window_start)`

// Column bounds of security_events.
const (
	maxEndpoint  = 500
	maxUserAgent = 500
)

// bruteForceDetails is the details JSON of the event.
type bruteForceDetails struct {
	MITRETechnique string `json:"mitre_technique"`
	MITRETactic    string `json:"mitre_tactic"`
	OWASPCategory  string `json:"owasp_category"`
	Counter        string `json:"counter"` // "account" or "address": which limit was reached
	Failures       int    `json:"failures"`
	WindowSeconds  int    `json:"window_seconds"`
	Account        string `json:"account"` // the email the attempts targeted
	Locked         bool   `json:"locked"`  // the attempt was refused (else: this failure reached the limit)
}

// recordBruteForce records the event. Recording never fails the request: errors are logged.
func (s *Service) recordBruteForce(r *http.Request, ip, account string, ad admission) {
	ctx := r.Context()
	details, err := json.Marshal(bruteForceDetails{
		MITRETechnique: "T1110 Brute Force", MITRETactic: "TA0006 Credential Access",
		OWASPCategory: "A07:2021 Identification and Authentication Failures",
		Counter:       ad.counter, Failures: ad.failures, WindowSeconds: int(s.lockout.Window.Seconds()),
		Account: account, Locked: ad.locked,
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record brute_force event", "error", err.Error())
		return
	}
	var traceID string
	if sc := trace.SpanContextFromContext(ctx); sc.HasTraceID() {
		traceID = sc.TraceID().String()
	}
	payload := "repeated failed logins for one " + ad.counter
	_, err = s.db.ExecContext(ctx, recordBruteForceSQL, "brute_force", "high", cut(r.URL.Path, maxEndpoint), r.Method, ip,
		cut(r.UserAgent(), maxUserAgent), payload, traceID, string(details), s.now().UTC().Truncate(time.Minute))
	if err != nil {
		s.log.ErrorContext(ctx, "record brute_force event", "error", err.Error())
	}
}

// cut shortens s to at most n bytes on a UTF-8 boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
