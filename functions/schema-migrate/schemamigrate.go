// Package schemamigrate is the schema-migrate function: the schema load of a deployment, run inside
// OCI so that no workstation needs a database client, Instant Client or the wallet. The deploy step
// invokes it (make deploy-migrate: `oci fn function invoke` with an empty body) after every apply; it is
// never routed and never scheduled (migrator: true in its func.yaml).
//
// One invocation, on Oracle:
//  1. generates the wallet through the database API (GenerateAutonomousDatabaseWallet, with the
//     function's resource principal) and keeps the three files godror reads (oracle.TrimWallet);
//     they are written as a new version of the wallet secret the other functions read (a whole
//     wallet, base64-encoded, can exceed Vault's 25 KB limit);
//  2. as ADMIN, creates or updates the schema owner, the application user and the monitoring user
//     (passwords from their Vault secrets) with their privileges (users.go);
//  3. as the schema owner, runs the migrations (package migrate, the same code as `octo migrate`);
//  4. grants the application user DML on the owner's tables and SELECT on its views and sequences,
//     nothing else: the functions connect as that user with CURRENT_SCHEMA set to the owner.
//
// On the embedded database (OCTO_DB_DRIVER=sqlite) it runs step 3 on OCTO_DB_DSN. The answer is a
// JSON report: 200 with "status":"ok", 409 when existing objects are incompatible with the schema
// (nothing recorded for their versions), 500 otherwise with the cause in the function's log.
// Invoking it again changes nothing: users are altered, not re-created, and applied versions are
// skipped. Run one at a time (make deploy-migrate does).
package schemamigrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/apperr"
	"github.com/octo-drone-shop/serverless/shared/manifest"
	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/web"
)

// Name is the function's name, as declared.
const Name = "schema-migrate"

// Declaration returns the function's declaration: its func.yaml, compiled in (declaration_gen.go).
func Declaration() manifest.Function { return declared }

// Report is the function's answer.
type Report struct {
	Status  string   `json:"status"` // ok or incompatible
	Dialect string   `json:"dialect"`
	Applied []string `json:"applied"` // NNNN_name of each version applied by this run
	Current int      `json:"current"` // versions recorded after the run
	Users   []string `json:"users,omitempty"`
	Grants  int      `json:"grants,omitempty"` // objects granted to the application user
	Wallet  string   `json:"wallet,omitempty"` // the secret the trimmed wallet was written to
	Summary string   `json:"summary"`          // the migrator's report for the operator
}

// runner is one invocation's work on one dialect.
type runner interface {
	run(ctx context.Context, rep *Report) error
}

// New builds the handler from the environment: OCTO_DB_DRIVER sqlite with OCTO_DB_DSN the database
// file, or oracle with the settings of Config.
func New(getenv func(string) string, log *slog.Logger) (http.Handler, error) {
	var r runner
	switch driver := strings.TrimSpace(getenv("OCTO_DB_DRIVER")); driver {
	case "sqlite":
		path := strings.TrimSpace(getenv("OCTO_DB_DSN"))
		if path == "" {
			return nil, errors.New("schema-migrate: OCTO_DB_DSN is required with OCTO_DB_DRIVER=sqlite")
		}
		r = sqliteRunner{path: path}
	case "oracle":
		cfg, err := ConfigFromEnv(getenv)
		if err != nil {
			return nil, err
		}
		or, err := newOracleRunner(cfg, log)
		if err != nil {
			return nil, err
		}
		r = or
	default:
		return nil, fmt.Errorf("schema-migrate: OCTO_DB_DRIVER=%q: want sqlite or oracle", driver)
	}
	h := &handler{runner: r, log: log}
	return web.NewRouter(declared, log, map[string]web.HandlerFunc{web.InvokePattern: h.invoke})
}

type handler struct {
	runner runner
	log    *slog.Logger
}

func (h *handler) invoke(w http.ResponseWriter, r *http.Request) error {
	var rep Report
	err := h.runner.run(r.Context(), &rep)
	switch {
	case errors.Is(err, migrate.ErrIncompatible):
		rep.Status = "incompatible"
		h.log.ErrorContext(r.Context(), "schema-migrate: incompatible objects", slog.String("report", rep.Summary))
		web.JSON(w, http.StatusConflict, rep)
		return nil
	case err != nil:
		h.log.ErrorContext(r.Context(), "schema-migrate failed", slog.String("error", err.Error()), slog.String("report", rep.Summary))
		return apperr.E("schemamigrate.Invoke", apperr.Internal, "the schema load failed: see the function's log")
	}
	rep.Status = "ok"
	h.log.InfoContext(r.Context(), "schema-migrate done", slog.Int("applied", len(rep.Applied)), slog.Int("current", rep.Current))
	web.JSON(w, http.StatusOK, rep)
	return nil
}

// record copies the migrator's report into rep.
func record(rep *Report, m migrate.Report) {
	rep.Dialect = m.Dialect
	rep.Applied = []string{}
	for _, v := range m.Applied {
		rep.Applied = append(rep.Applied, fmt.Sprintf("%04d_%s", v.Version, v.Name))
	}
	rep.Current = len(m.Current)
	rep.Summary = m.String()
}

// sqliteRunner migrates the embedded database file.
type sqliteRunner struct{ path string }

func (s sqliteRunner) run(ctx context.Context, rep *Report) error {
	db, err := openSQLite(s.path)
	if err != nil {
		return fmt.Errorf("schema-migrate: %w", err)
	}
	defer db.Close()
	m, err := migrate.Run(ctx, db, "sqlite", migrate.Options{})
	record(rep, m)
	return err
}
