package schemamigrate

import (
	"errors"
	"fmt"
	"strings"
)

// Config is the Oracle side's configuration; Terraform sets every variable (main.tf, migrate_wiring
// and need_secret_config).
type Config struct {
	Alias       string // OCTO_DB_DSN: the wallet's connect alias, e.g. octo_tp
	DatabaseID  string // OCTO_DB_OCID: the Autonomous Database the wallet is generated from
	Region      string // OCTO_OCI_REGION: overrides the resource principal's region
	VaultHost   string // OCTO_VAULT_ENDPOINT: a private Vault endpoint (tests: a local server)
	DBHost      string // OCTO_DATABASE_ENDPOINT: a private database API endpoint (tests: a local server)
	WalletDir   string // OCTO_MIGRATE_WALLET_UNPACK_DIR: where the trimmed wallet is unpacked (default /tmp)
	WalletOCID  string // OCTO_MIGRATE_WALLET_SECRET_OCID: the secret the trimmed wallet is written to
	Owner       User   // OCTO_DB_USER, OCTO_DB_PASSWORD_SECRET_OCID: owns the tables, runs the migrations
	App         User   // OCTO_MIGRATE_APP_USER, OCTO_MIGRATE_APP_PASSWORD_SECRET_OCID: the functions' user
	Monitor     User   // OCTO_MIGRATE_MONITOR_USER, OCTO_MIGRATE_MONITOR_PASSWORD_SECRET_OCID
	AdminSecret string // OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID: ADMIN's password, to create the users
}

// User is a database user and the Vault secret holding its password.
type User struct {
	Name         string
	SecretOCID   string
	passwordText string // read at invocation
}

// ConfigFromEnv reads Config, reporting every missing or malformed variable at once.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		Alias:       get("OCTO_DB_DSN"),
		DatabaseID:  get("OCTO_DB_OCID"),
		Region:      get("OCTO_OCI_REGION"),
		VaultHost:   get("OCTO_VAULT_ENDPOINT"),
		DBHost:      get("OCTO_DATABASE_ENDPOINT"),
		WalletDir:   get("OCTO_MIGRATE_WALLET_UNPACK_DIR"),
		WalletOCID:  get("OCTO_MIGRATE_WALLET_SECRET_OCID"),
		Owner:       User{Name: get("OCTO_DB_USER"), SecretOCID: get("OCTO_DB_PASSWORD_SECRET_OCID")},
		App:         User{Name: get("OCTO_MIGRATE_APP_USER"), SecretOCID: get("OCTO_MIGRATE_APP_PASSWORD_SECRET_OCID")},
		Monitor:     User{Name: get("OCTO_MIGRATE_MONITOR_USER"), SecretOCID: get("OCTO_MIGRATE_MONITOR_PASSWORD_SECRET_OCID")},
		AdminSecret: get("OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID"),
	}
	var errs []error
	need := func(name, v, prefix string) {
		switch {
		case v == "":
			errs = append(errs, fmt.Errorf("%s is required", name))
		case prefix != "" && !strings.HasPrefix(v, prefix):
			errs = append(errs, fmt.Errorf("%s=%q: want an OCID starting %s", name, v, prefix))
		}
	}
	need("OCTO_DB_DSN", c.Alias, "")
	need("OCTO_DB_OCID", c.DatabaseID, "ocid1.autonomousdatabase.")
	need("OCTO_MIGRATE_WALLET_SECRET_OCID", c.WalletOCID, "ocid1.vaultsecret.")
	need("OCTO_DB_PASSWORD_SECRET_OCID", c.Owner.SecretOCID, "ocid1.vaultsecret.")
	need("OCTO_MIGRATE_APP_PASSWORD_SECRET_OCID", c.App.SecretOCID, "ocid1.vaultsecret.")
	need("OCTO_MIGRATE_MONITOR_PASSWORD_SECRET_OCID", c.Monitor.SecretOCID, "ocid1.vaultsecret.")
	need("OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID", c.AdminSecret, "ocid1.vaultsecret.")
	names := map[string]string{"OCTO_DB_USER": c.Owner.Name, "OCTO_MIGRATE_APP_USER": c.App.Name, "OCTO_MIGRATE_MONITOR_USER": c.Monitor.Name}
	seen := map[string]bool{}
	for _, k := range []string{"OCTO_DB_USER", "OCTO_MIGRATE_APP_USER", "OCTO_MIGRATE_MONITOR_USER"} {
		v := names[k]
		if !userName(v) {
			errs = append(errs, fmt.Errorf("%s=%q: want an upper-case Oracle user name other than ADMIN (letter first; letters, digits, _; at most 30)", k, v))
		}
		if seen[v] {
			errs = append(errs, fmt.Errorf("%s=%q: the schema owner, application and monitoring users must differ", k, v))
		}
		seen[v] = true
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("schema-migrate config: %w", err)
	}
	return c, nil
}

// userName reports whether s is a user name the DDL may carry: an unquoted upper-case identifier of
// at most 30 bytes, never ADMIN. Names are quoted in the DDL anyway; this keeps them plain.
func userName(s string) bool {
	if len(s) == 0 || len(s) > 30 || s == "ADMIN" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

// password checks a password read from Vault against what the DDL may carry (it cannot be bound):
// Autonomous Database's rules, 12-30 characters with upper case, lower case and a digit, no double
// quote and not containing "admin"; no control characters either.
func password(user, p string) error {
	var upper, lower, digit bool
	for _, r := range p {
		switch {
		case r == '"' || r < 0x20 || r == 0x7f:
			return fmt.Errorf("password of %s contains a double quote or a control character", user)
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		}
	}
	n := len([]rune(p))
	if n < 12 || n > 30 || !upper || !lower || !digit || strings.Contains(strings.ToLower(p), "admin") {
		return fmt.Errorf("password of %s breaks the Autonomous Database rules (12-30 characters, upper and lower case, a digit, no \"admin\")", user)
	}
	return nil
}
