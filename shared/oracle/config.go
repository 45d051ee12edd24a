// Package oracle is what opening Oracle Autonomous Database (ATP) needs besides the driver: the
// configuration, the wallet and the Vault secrets, and the statements only ATP runs. It links no
// driver and no OCI SDK, so package config can name its Config without the authorizer linking
// either; package oracle/oradb opens the pool through godror and is Oracle's dialect of package db,
// and package oracle/ocivault is the Vault client.
//
// Prepare takes a Config and fetches what it needs at cold start; oradb.Open makes one *sql.DB of it
// for the life of the process:
//
//   - the wallet is either a directory (Config.WalletDir, e.g. baked into the image) or a base64 zip
//     held in an OCI Vault secret (Config.WalletSecretOCID), unpacked under /tmp with zip-slip
//     protection and size limits; sqlnet.ora's DIRECTORY="?/network/admin" is rewritten to the
//     directory the wallet really is in, and the connect alias must exist in tnsnames.ora;
//   - the password is either given (Config.Password) or read from another Vault secret
//     (Config.PasswordSecretOCID);
//   - secrets are read through a SecretSource; the default one is the OCI Vault secrets client
//     (package oracle/ocivault, through package vault: dbdriver links it) authenticated by the
//     function's resource principal, built once per Open (that is, once per container);
//   - godror receives its parameters as a godror.ConnectionParams value (never a DSN string holding
//     the password), with configDir = the wallet directory and the ODPI-C session pool enabled.
//
// Cold-start failures carry the operation and a remedy: oradb.ErrInstantClientMissing (godror's
// DPI-1047, with what to install), ErrAliasNotFound (with the aliases the wallet does define),
// ErrSecretUnreadable (with the secret OCID and HTTP status, never the content), ErrUnsafeWallet.
package oracle

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Pool defaults, chosen for OCI Functions, where a container serves one request at a time.
const (
	// DefaultPoolMaxSessions is the ODPI-C pool's (and database/sql's) cap: one session for the
	// request plus one spare, so a request that holds a transaction can still run a statement on a
	// second connection (or a new session can be created while a broken one is being dropped) without
	// waiting.
	DefaultPoolMaxSessions = 2
	// DefaultPoolWaitTimeout bounds how long a request waits for a pooled session before failing
	// (godror's default is 30 s, longer than most function timeouts allow for a useful error).
	DefaultPoolWaitTimeout = 5 * time.Second
	// DefaultPoolSessionTimeout closes sessions idle for longer than this. ATP and the network path
	// drop idle connections anyway; recycling them ourselves avoids handing out a dead one after the
	// container was frozen.
	DefaultPoolSessionTimeout = 5 * time.Minute
	// DefaultPoolMaxLifetime retires sessions after this age whatever their use.
	DefaultPoolMaxLifetime = time.Hour
	// DefaultPingTimeout bounds the single ping at cold start.
	DefaultPingTimeout = 15 * time.Second
)

// Config describes how to reach ATP. Exactly one of Password/PasswordSecretOCID and exactly one of
// WalletDir/WalletSecretOCID must be set.
type Config struct {
	// Alias is the connect alias from the wallet's tnsnames.ora, such as "octodb_tp".
	Alias string
	// User is the database user.
	User string
	// Schema, when set, is every session's CURRENT_SCHEMA (ALTER SESSION at session start): the
	// functions connect as an application user and name the schema owner's tables unqualified.
	Schema string
	// Password is the database password, when not read from Vault.
	Password string
	// PasswordSecretOCID is the OCI Vault secret holding the password (its text, trailing newline
	// ignored).
	PasswordSecretOCID string
	// WalletDir is an unpacked wallet directory. If its sqlnet.ora still says "?/network/admin", the
	// wallet is copied under WalletUnpackDir and rewritten there (the image is read-only).
	WalletDir string
	// WalletSecretOCID is the OCI Vault secret holding the wallet zip (base64, as Vault stores it).
	WalletSecretOCID string
	// WalletUnpackDir is the parent directory for an unpacked or copied wallet; default os.TempDir()
	// (on OCI Functions only /tmp is writable).
	WalletUnpackDir string
	// Region overrides the resource principal's region for the Vault client.
	Region string
	// LibDir is the Oracle Instant Client directory, when it is not on the dynamic loader's path.
	LibDir string
	// PoolMaxSessions caps the session pool and database/sql's open connections; default
	// DefaultPoolMaxSessions.
	PoolMaxSessions int
	// PoolWaitTimeout bounds the wait for a free pooled session; default DefaultPoolWaitTimeout.
	PoolWaitTimeout time.Duration
	// PoolSessionTimeout closes idle pooled sessions; default DefaultPoolSessionTimeout.
	PoolSessionTimeout time.Duration
	// PingTimeout bounds the ping at cold start; default DefaultPingTimeout.
	PingTimeout time.Duration
}

// Validate reports every problem in c at once.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Alias) == "" {
		errs = append(errs, errors.New("alias is required (e.g. mydb_tp from the wallet's tnsnames.ora)"))
	}
	if strings.TrimSpace(c.User) == "" {
		errs = append(errs, errors.New("user is required"))
	}
	switch {
	case c.Password == "" && c.PasswordSecretOCID == "":
		errs = append(errs, errors.New("one of password or password secret OCID is required"))
	case c.Password != "" && c.PasswordSecretOCID != "":
		errs = append(errs, errors.New("password and password secret OCID are mutually exclusive"))
	}
	switch {
	case c.WalletDir == "" && c.WalletSecretOCID == "":
		errs = append(errs, errors.New("one of wallet directory or wallet secret OCID is required"))
	case c.WalletDir != "" && c.WalletSecretOCID != "":
		errs = append(errs, errors.New("wallet directory and wallet secret OCID are mutually exclusive"))
	}
	for _, s := range []struct{ name, ocid string }{
		{"password secret OCID", c.PasswordSecretOCID},
		{"wallet secret OCID", c.WalletSecretOCID},
	} {
		if s.ocid != "" && !strings.HasPrefix(s.ocid, "ocid1.vaultsecret.") {
			errs = append(errs, fmt.Errorf("%s %q is not a vault secret OCID (ocid1.vaultsecret....)", s.name, s.ocid))
		}
	}
	if c.Schema != "" && !validSchema(c.Schema) {
		errs = append(errs, fmt.Errorf("schema %q must be an upper-case Oracle user name (letter first; letters, digits, _, $, #; at most 128 bytes)", c.Schema))
	}
	if c.PoolMaxSessions < 0 {
		errs = append(errs, fmt.Errorf("pool max sessions %d is negative", c.PoolMaxSessions))
	}
	for _, d := range []struct {
		name string
		d    time.Duration
	}{
		{"pool wait timeout", c.PoolWaitTimeout},
		{"pool session timeout", c.PoolSessionTimeout},
		{"ping timeout", c.PingTimeout},
	} {
		if d.d < 0 {
			errs = append(errs, fmt.Errorf("%s %s is negative", d.name, d.d))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("oracle config: %w", err)
	}
	return nil
}

// WithDefaults fills the zero values with the package defaults.
func (c Config) WithDefaults() Config {
	if c.PoolMaxSessions == 0 {
		c.PoolMaxSessions = DefaultPoolMaxSessions
	}
	if c.PoolWaitTimeout == 0 {
		c.PoolWaitTimeout = DefaultPoolWaitTimeout
	}
	if c.PoolSessionTimeout == 0 {
		c.PoolSessionTimeout = DefaultPoolSessionTimeout
	}
	if c.PingTimeout == 0 {
		c.PingTimeout = DefaultPingTimeout
	}
	return c
}

// validSchema reports whether s is an unquoted Oracle identifier in upper case: godror sets it with
// ALTER SESSION, so nothing but an identifier may reach that statement.
func validSchema(s string) bool {
	if len(s) == 0 || len(s) > 128 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '$' && c != '#' {
			return false
		}
	}
	return true
}
