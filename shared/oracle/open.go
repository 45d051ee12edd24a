package oracle

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/godror/godror"
)

// ErrInstantClientMissing reports that godror could not load the Oracle Client library (DPI-1047).
var ErrInstantClientMissing = errors.New("oracle instant client not found")

// instantClientHint says exactly what fixes DPI-1047 in our images and locally.
const instantClientHint = "install Oracle Instant Client basiclite 23ai " +
	"(Oracle Linux 9: dnf install oracle-instantclient-release-23ai-el9 && dnf install oracle-instantclient-basiclite), " +
	"or point LD_LIBRARY_PATH or the libDir setting at an unpacked Instant Client directory"

// Option adjusts Open.
type Option func(*options)

type options struct {
	secrets SecretSource
}

// WithSecretSource makes Open read Vault secrets through src instead of building a VaultSecrets client
// from the resource principal.
func WithSecretSource(src SecretSource) Option {
	return func(o *options) { o.secrets = src }
}

// Open prepares the wallet, reads the password, opens the godror session pool and pings the database
// once within cfg.PingTimeout: OpenPool then Ping. Call it once per container and share the *sql.DB.
//
// Pool sizing: a function container handles one request at a time, so the ODPI-C pool starts with
// one session (created by the cold-start ping and kept warm between invocations), grows one session
// at a time up to PoolMaxSessions (2), and database/sql is capped at the same number so it never
// queues a connection request the pool cannot serve; idle database/sql connections are kept, since
// closing them only returns the session to the ODPI-C pool anyway.
func Open(ctx context.Context, cfg Config, opts ...Option) (*sql.DB, error) {
	db, err := OpenPool(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	if err := Ping(ctx, db, cfg); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// OpenPool is Open without the ping: the wallet and password are read (Vault), the pool is configured,
// and no session exists yet. Ping it before relying on it; a function's cold start does so
// concurrently with the rest of its start (package boot), since the first session is a TLS handshake
// and a database logon.
func OpenPool(ctx context.Context, cfg Config, opts ...Option) (*sql.DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("open oracle: %w", err)
	}
	cfg = cfg.withDefaults()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.secrets == nil && (cfg.WalletSecretOCID != "" || cfg.PasswordSecretOCID != "") {
		vault, err := NewVaultSecrets(VaultConfig{Region: cfg.Region})
		if err != nil {
			return nil, fmt.Errorf("open oracle: %w", err)
		}
		o.secrets = vault
	}

	password := cfg.Password
	if cfg.PasswordSecretOCID != "" {
		secret, err := o.secrets.SecretContent(ctx, cfg.PasswordSecretOCID)
		if err != nil {
			return nil, fmt.Errorf("open oracle: read password: %w", err)
		}
		password = strings.TrimRight(string(secret), "\r\n")
	}
	walletDir, err := prepareWallet(ctx, cfg, o.secrets)
	if err != nil {
		return nil, fmt.Errorf("open oracle: %w", err)
	}

	// From here on the wallet directory stays even if the ping fails: godror's client context may
	// already have been created with it as configDir, for the life of the process.
	db := sql.OpenDB(godror.NewConnector(connectionParams(cfg, walletDir, password)))
	db.SetMaxOpenConns(cfg.PoolMaxSessions)
	db.SetMaxIdleConns(cfg.PoolMaxSessions)
	return db, nil
}

// Ping creates the pool's first session within cfg.PingTimeout (DefaultPingTimeout when zero) and
// explains the usual failures (see classify).
func Ping(ctx context.Context, db *sql.DB, cfg Config) error {
	cfg = cfg.withDefaults()
	pingCtx, cancel := context.WithTimeout(ctx, cfg.PingTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		return fmt.Errorf("open oracle: ping %s as %s: %w", cfg.Alias, cfg.User, classify(err))
	}
	return nil
}

// connectionParams builds godror's parameters as a value: the password never goes through a DSN
// string, and nothing depends on godror's DSN parser.
func connectionParams(cfg Config, walletDir, password string) godror.ConnectionParams {
	var p godror.ConnectionParams
	p.Username = cfg.User
	p.Password = godror.NewPassword(password)
	p.ConnectString = cfg.Alias
	// configDir is where Instant Client reads tnsnames.ora and sqlnet.ora; godror applies it once per
	// process, at the first connection (TNS_ADMIN set from Go would be read too late, or not at all).
	p.ConfigDir = walletDir
	p.LibDir = cfg.LibDir
	p.StandaloneConnection = sql.NullBool{Bool: false, Valid: true}
	p.MinSessions = 1
	p.MaxSessions = cfg.PoolMaxSessions
	p.SessionIncrement = 1
	p.WaitTimeout = cfg.PoolWaitTimeout
	p.SessionTimeout = cfg.PoolSessionTimeout
	p.MaxLifeTime = DefaultPoolMaxLifetime
	if cfg.Schema != "" {
		// Applied once per new session, not per checkout from the pool.
		p.SetSessionParamOnInit("CURRENT_SCHEMA", cfg.Schema)
		p.InitOnNewConn = true
	}
	return p
}

// prepareWallet returns a wallet directory that Instant Client can use as configDir and that defines
// cfg.Alias.
func prepareWallet(ctx context.Context, cfg Config, src SecretSource) (string, error) {
	var dir string
	switch {
	case cfg.WalletSecretOCID != "":
		zipData, err := src.SecretContent(ctx, cfg.WalletSecretOCID)
		if err != nil {
			return "", fmt.Errorf("read wallet: %w", err)
		}
		files, err := readWalletZip(zipData)
		if err != nil {
			return "", fmt.Errorf("wallet secret %s: %w", cfg.WalletSecretOCID, err)
		}
		if dir, err = installWallet(cfg.WalletUnpackDir, cfg.WalletSecretOCID, files); err != nil {
			return "", err
		}
	default:
		dir = cfg.WalletDir
		rewrite, err := needsRewrite(dir)
		if err != nil {
			return "", fmt.Errorf("wallet %s: %w", dir, err)
		}
		if rewrite {
			files, err := readWalletDir(dir)
			if err != nil {
				return "", err
			}
			if dir, err = installWallet(cfg.WalletUnpackDir, cfg.WalletDir, files); err != nil {
				return "", err
			}
		}
	}
	if err := checkAlias(dir, cfg.Alias); err != nil {
		if dir != cfg.WalletDir {
			err = errors.Join(err, os.RemoveAll(dir))
		}
		return "", err
	}
	return dir, nil
}

// classify adds the remedy to the failures that have a known one.
func classify(err error) error {
	if strings.Contains(err.Error(), "DPI-1047") {
		return fmt.Errorf("%w: %s: %w", ErrInstantClientMissing, instantClientHint, err)
	}
	return err
}
