package schemamigrate

import (
	"context"
	"database/sql"
	_ "embed" // the Oracle dictionary queries below
	"fmt"
	"strings"
)

// The two dictionary queries are Oracle's alone (dba_users, user_objects): they live in oracle/*.sql
// rather than as Go literals, as the other Oracle-only statements live outside the packages whose SQL
// must run on the embedded database in the tests (see shared/internal/sqlcover).
var (
	// userExistsSQL runs as ADMIN.
	//go:embed oracle/user_exists.sql
	userExistsSQL string
	// ownerObjectsSQL runs as the schema owner after the migrations: what the application user is
	// granted (schema_migrations is the migrator's alone; generated identity sequences need no grant).
	//go:embed oracle/owner_objects.sql
	ownerObjectsSQL string
)

// Oracle only: the users and grants of a deployment. DDL cannot bind identifiers or passwords, so
// user names are checked identifiers (userName) and passwords are checked against the Autonomous
// Database rules (password, which also refuses double quotes) before they are quoted into the text.
const (
	createUserSQL = `CREATE USER %s IDENTIFIED BY %s`
	alterUserSQL  = `ALTER USER %s IDENTIFIED BY %s ACCOUNT UNLOCK`

	// The schema owner creates the objects of the migrations and stores them in DATA.
	ownerGrantSQL = `GRANT CREATE SESSION, CREATE TABLE, CREATE VIEW, CREATE SEQUENCE, CREATE PROCEDURE, CREATE TRIGGER TO %s`
	ownerQuotaSQL = `ALTER USER %s QUOTA UNLIMITED ON DATA`
	// The application user only logs on; its object grants come from the owner (ownerObjectsSQL).
	appGrantSQL = `GRANT CREATE SESSION TO %s`
	// The monitoring user of Database Management and Operations Insights: Performance Hub reads the
	// dictionary and V$ views (SELECT ANY DICTIONARY, SELECT_CATALOG_ROLE), ASH and AWR
	// (DBMS_WORKLOAD_REPOSITORY) and the advisors' findings (ADVISOR). ADBSNMP, the default, is locked
	// on Autonomous Database and lacks part of this.
	monitorGrantSQL = `GRANT CREATE SESSION, SELECT ANY DICTIONARY, SELECT_CATALOG_ROLE, ADVISOR TO %s`
	monitorAWRSQL   = `GRANT EXECUTE ON SYS.DBMS_WORKLOAD_REPOSITORY TO %s`

	grantTableSQL  = `GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s`
	grantSelectSQL = `GRANT SELECT ON %s TO %s`
)

// quoteIdent quotes a checked identifier (no double quote can be in it: see userName and the
// dictionary's object names, which are upper-case identifiers in our schema).
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, ``) + `"` }

// userStatements returns the DDL that creates (exists = false) or updates a user with its password
// and privileges; role is owner, app or monitor.
func userStatements(role string, u User, exists bool) []string {
	name, pw := quoteIdent(u.Name), `"`+u.passwordText+`"`
	stmts := []string{fmt.Sprintf(alterUserSQL, name, pw)}
	if !exists {
		stmts = []string{fmt.Sprintf(createUserSQL, name, pw)}
	}
	switch role {
	case "owner":
		stmts = append(stmts, fmt.Sprintf(ownerGrantSQL, name), fmt.Sprintf(ownerQuotaSQL, name))
	case "app":
		stmts = append(stmts, fmt.Sprintf(appGrantSQL, name))
	case "monitor":
		stmts = append(stmts, fmt.Sprintf(monitorGrantSQL, name), fmt.Sprintf(monitorAWRSQL, name))
	}
	return stmts
}

// ensureUsers creates or updates the three users as ADMIN. Each statement commits on its own (DDL);
// a failure half-way is repaired by the next run, which alters what exists.
func ensureUsers(ctx context.Context, admin *sql.DB, cfg Config) ([]string, error) {
	var done []string
	for _, x := range []struct {
		role string
		u    User
	}{{"owner", cfg.Owner}, {"app", cfg.App}, {"monitor", cfg.Monitor}} {
		var n int
		if err := admin.QueryRowContext(ctx, userExistsSQL, x.u.Name).Scan(&n); err != nil {
			return done, fmt.Errorf("look up user %s: %w", x.u.Name, err)
		}
		for _, stmt := range userStatements(x.role, x.u, n > 0) {
			if _, err := admin.ExecContext(ctx, stmt); err != nil {
				// The statement carries a password: name the user and the step, never the text.
				return done, fmt.Errorf("%s user %s: %s: %w", x.role, x.u.Name, strings.SplitN(stmt, " ", 3)[:2], err)
			}
		}
		done = append(done, x.u.Name)
	}
	return done, nil
}

// grantApp grants the application user the owner's objects, as the owner; it returns how many.
func grantApp(ctx context.Context, owner *sql.DB, app string) (int, error) {
	rows, err := owner.QueryContext(ctx, ownerObjectsSQL)
	if err != nil {
		return 0, fmt.Errorf("list schema objects: %w", err)
	}
	var stmts []string
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return 0, fmt.Errorf("list schema objects: %w", err)
		}
		sqlText := grantSelectSQL
		if typ == "TABLE" {
			sqlText = grantTableSQL
		}
		stmts = append(stmts, fmt.Sprintf(sqlText, quoteIdent(name), quoteIdent(app)))
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, fmt.Errorf("list schema objects: %w", err)
	}
	rows.Close()
	for _, s := range stmts {
		if _, err := owner.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	return len(stmts), nil
}
