package boot

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// accessLog writes one line per request with its outcome and its database cost (statement count and
// total time, counted by package db). It runs inside telemetry's Middleware and reads the status from
// its recorder (the request's one status recorder), and the request id from the context
// (web.WithRequestID runs outermost). The trace and span ids come from the log handler.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx := db.WithStats(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
		st := db.StatsFrom(ctx)
		status, _ := telemetry.Status(w)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(ctx, level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.Int("db_statements", st.Statements),
			slog.Float64("db_time_ms", float64(st.Duration.Microseconds())/1000),
			slog.String("request_id", web.RequestID(ctx)),
		)
	})
}

// waitDB holds a request arriving while the cold start's first connection is still being made until
// it is; if that failed, the request gets 503 unavailable (and the function stops, see Env.Serve).
// Session tags need no per-request connection: package db sets MODULE, ACTION and CLIENT_INFO with
// every statement and CLIENT_IDENTIFIER on whichever connection runs it, when it changes.
func waitDB(e *Env, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := e.WaitDB(r.Context()); err != nil {
			web.Error(w, r, e.Log, apperr.Wrap("boot.waitDB", apperr.Unavailable, err))
			return
		}
		next.ServeHTTP(w, r)
	})
}
