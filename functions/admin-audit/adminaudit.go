// Package adminaudit serves the audit log and the security events to admins (permission admin):
// GET /api/admin/audit-logs and GET /api/admin/security-events.
//
// Decisions:
//   - Filters: audit rows by actor, entity (type and id), action (type), source address and time
//     range; security events by attack type, severity, source address and time range. Every filter
//     is validated (bytes, shapes, enums, addresses parsed by net/netip) and bound; absent filters
//     are NULL binds, so one statement text serves every combination.
//   - JSON pages are newest first by id (keyset cursor on id, at most 100, one statement a page): id
//     is the only order both tables write monotonically (security_events.created_at is set by the
//     database's default, see ARCHITECTURE.md on timestamp precision).
//   - With Accept: text/csv the same filters stream a CSV export (encoding/csv) of up to ExportRows
//     rows, newest first: each row is written as it is read and the writer is flushed to the client
//     every FlushRows rows, so memory does not grow with the export. Cells that a spreadsheet would
//     read as a formula (= + - @, tab, CR first) are prefixed with ' : payloads are attacker input.
//   - Security events carry attacker addresses and payloads: only the admin permission reads them,
//     checked by the gateway and again here.
package adminaudit

import (
	"database/sql"
	"log/slog"
	"net/http"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/openapi/contract"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "admin-audit"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Service serves the admin-audit routes.
type Service struct {
	db  *sql.DB
	log *slog.Logger
}

// New returns the admin-audit function's HTTP handler.
func New(store *sql.DB, log *slog.Logger) (http.Handler, error) {
	s := &Service{db: store, log: log}
	return web.NewRouter(Declaration(), log, map[string]web.HandlerFunc{
		"GET /api/admin/audit-logs":      adminOnly(s.auditLogs),
		"GET /api/admin/security-events": adminOnly(s.securityEvents),
	})
}

// Contract gives each route's body types for the OpenAPI document (tools/openapi), one line per
// route of the handler map above. With Accept: text/csv either list streams a CSV export instead
// (stream.go), which reads before_id rather than cursor and limit.
var Contract = []contract.Operation{
	{Route: "GET /api/admin/audit-logs", Response: AuditPage{}, Produces: []string{"text/csv"},
		Query: []string{"actor", "entity_type", "entity_id", "action", "source", "from", "until", "cursor", "limit", "before_id"}},
	{Route: "GET /api/admin/security-events", Response: EventPage{}, Produces: []string{"text/csv"},
		Query: []string{"type", "severity", "source", "from", "until", "cursor", "limit", "before_id"}},
}

// adminOnly refuses a caller without the admin permission: the gateway checks it as well, and the
// function does not trust the route alone.
func adminOnly(h web.HandlerFunc) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := identity.FromRequest(r)
		if err != nil {
			return err
		}
		if !p.HasScope(manifest.Staff) || !p.HasPermission(manifest.Administration) {
			return apperr.E("adminaudit.Admin", apperr.Forbidden, "the audit log and security events need the admin permission")
		}
		return h(w, r)
	}
}
