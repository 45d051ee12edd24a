package migrate_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/octo-drone-shop/serverless/schema"
	"github.com/octo-drone-shop/serverless/shared/migrate"
)

// migrationsBefore is the embedded SQLite migrations older than version.
func migrationsBefore(t *testing.T, version string) fstest.MapFS {
	t.Helper()
	src, err := schema.FS(schema.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") || e.Name()[:4] >= version {
			continue
		}
		b, err := fs.ReadFile(src, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = &fstest.MapFile{Data: b}
	}
	return out
}

// 0015 backfills the code of the campaigns that exist (CAMPAIGN-<id>), then requires it; a second
// run changes nothing; the widened attack-type CHECK takes every kind and still refuses the unknown.
func TestMarketingMigrationBackfillsCodesThenRequiresThem(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{Source: migrationsBefore(t, "0015")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Spring", "Autumn"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO campaigns (name, campaign_type) VALUES (?, 'email')`, name); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, rep)
	}
	if !strings.Contains(rep.String(), "1 backfills") {
		t.Errorf("report does not show the backfill:\n%s", rep)
	}
	if got := queryString(t, db, `SELECT group_concat(name || '=' || code, ',') FROM (SELECT name, code FROM campaigns ORDER BY id)`); got != "Spring=CAMPAIGN-1,Autumn=CAMPAIGN-2" {
		t.Fatalf("codes after the backfill: %s", got)
	}
	again, err := migrate.Run(ctx, db, schema.SQLite, migrate.Options{})
	if err != nil || len(again.Actions) != 0 || len(again.Applied) != 0 {
		t.Fatalf("second run: %v\n%s", err, again)
	}
	refused := []struct{ name, sql string }{
		{"campaign_without_code", `INSERT INTO campaigns (name, campaign_type) VALUES ('No code', 'email')`},
		{"lower_case_code", `INSERT INTO campaigns (name, campaign_type, code) VALUES ('Lower', 'email', 'spring-1')`},
		{"duplicate_code", `INSERT INTO campaigns (name, campaign_type, code) VALUES ('Twin', 'email', 'CAMPAIGN-1')`},
		{"unknown_attack_type", `INSERT INTO security_events (attack_type, source_ip, window_start) VALUES ('telepathy', '192.0.2.1', '2026-01-01T00:00:00Z')`},
		{"spend_of_zero", `INSERT INTO campaign_spend (campaign_id, amount, actor, created_at) VALUES (1, 0, 'x', '2026-01-01T00:00:00Z')`},
	}
	for _, r := range refused {
		if _, err := db.ExecContext(ctx, r.sql); err == nil {
			t.Errorf("%s: accepted", r.name)
		}
	}
	for _, kind := range []string{"mass_assignment", "malformed_body", "oversized_body", "invalid_token", "sql_injection"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO security_events (attack_type, source_ip, window_start) VALUES (?, '192.0.2.1', '2026-01-01T00:00:00Z')`, kind); err != nil {
			t.Errorf("attack_type %s refused: %v", kind, err)
		}
	}
}
