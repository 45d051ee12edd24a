package security_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/db"
	"github.com/octo-drone-shop/serverless/shared/gateway"
	"github.com/octo-drone-shop/serverless/shared/identity"
	"github.com/octo-drone-shop/serverless/shared/security"
	"github.com/octo-drone-shop/serverless/shared/seed"
)

func TestAuditIsWrittenWithTheWrite(t *testing.T) {
	s := newStack(t, security.Config{}, true)
	var adminID int64
	if err := s.db.QueryRowContext(context.Background(), `SELECT id FROM users WHERE username = :1`, seed.AdminUser).Scan(&adminID); err != nil {
		t.Fatal(err)
	}
	admin := map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(adminID), gateway.ScopesHeader: "customer staff admin"}
	audits := func() int {
		var n int
		if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_logs WHERE action = 'widget.update'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("committed_write_has_its_row", func(t *testing.T) {
		res := s.call(t, "PUT", "/api/admin/widgets/42", "198.51.100.9", `{"name":"Falcon"}`, admin)
		if res.status != http.StatusNoContent {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var (
			userID                                         sql.NullInt64
			actor, entityType, entityID, details, ip, trID string
		)
		err := s.db.QueryRowContext(context.Background(), `SELECT actor_user_id, actor, entity_type, entity_id, details, ip_address, trace_id
FROM audit_logs WHERE action = 'widget.update'`).Scan(&userID, &actor, &entityType, &entityID, &details, &ip, &trID)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(details), &d)
		if userID.Int64 != adminID || actor != identity.LocalPrincipal(adminID) || entityType != "widget" || entityID != "42" ||
			ip != "198.51.100.9" || len(trID) != 32 || d["name"] != "Falcon" || d["user_agent"] != "corpus-test/1.0" || d["request_id"] == "" {
			t.Fatalf("audit row user %v actor %q %s/%s ip %q trace %q details %s", userID, actor, entityType, entityID, ip, trID, details)
		}
	})
	t.Run("rolled_back_write_leaves_no_row", func(t *testing.T) {
		before := audits()
		if res := s.call(t, "PUT", "/api/admin/widgets/42", "198.51.100.9", `{"name":"fail"}`, admin); res.status != http.StatusConflict {
			t.Fatalf("%d %s", res.status, res.body)
		}
		if after := audits(); after != before {
			t.Fatalf("%d audit rows after a rolled-back write, want %d", after, before)
		}
	})
	t.Run("deleted_account_is_still_audited_by_principal", func(t *testing.T) {
		ghost := map[string]string{gateway.PrincipalHeader: identity.LocalPrincipal(987654), gateway.ScopesHeader: "customer staff admin"}
		if res := s.call(t, "PUT", "/api/admin/widgets/43", "198.51.100.9", `{"name":"Owl"}`, ghost); res.status != http.StatusNoContent {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var userID sql.NullInt64
		var actor string
		if err := s.db.QueryRowContext(context.Background(), `SELECT actor_user_id, actor FROM audit_logs WHERE entity_id = '43'`).Scan(&userID, &actor); err != nil {
			t.Fatal(err)
		}
		if userID.Valid || actor != "user:987654" {
			t.Fatalf("actor_user_id %v actor %q, want NULL and user:987654", userID, actor)
		}
	})
	t.Run("write_without_principal_is_refused", func(t *testing.T) {
		before := audits()
		if res := s.call(t, "PUT", "/api/admin/widgets/44", "198.51.100.9", `{"name":"Kite"}`, nil); res.status != http.StatusInternalServerError {
			t.Fatalf("%d %s, want 500: an unattributable write must not happen", res.status, res.body)
		}
		if audits() != before {
			t.Fatal("audit row written without a principal")
		}
	})
	t.Run("explicit_actor_outside_a_request", func(t *testing.T) {
		err := db.InTx(context.Background(), s.db.DB, func(ctx context.Context, tx *sql.Tx) error {
			return security.Audit(ctx, tx, security.Entry{Action: "widget.sweep", Actor: "scheduler", EntityID: strconv.Itoa(1)})
		})
		if err != nil {
			t.Fatal(err)
		}
		var actor string
		if err := s.db.QueryRowContext(context.Background(), `SELECT actor FROM audit_logs WHERE action = 'widget.sweep'`).Scan(&actor); err != nil || actor != "scheduler" {
			t.Fatalf("actor %q (%v)", actor, err)
		}
	})
}
