package oradb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/godror/godror"

	"github.com/octo-drone-shop/serverless/shared/oracle"
)

// ErrInstantClientMissing reports that godror could not load the Oracle Client library (DPI-1047).
var ErrInstantClientMissing = errors.New("oracle instant client not found")

// instantClientHint says exactly what fixes DPI-1047 in our images and locally.
const instantClientHint = "install Oracle Instant Client basiclite 23ai " +
	"(Oracle Linux 9: dnf install oracle-instantclient-release-23ai-el9 && dnf install oracle-instantclient-basiclite), " +
	"or point LD_LIBRARY_PATH or the libDir setting at an unpacked Instant Client directory"

// Open prepares the wallet, reads the password, opens the godror session pool and pings the database
// once within cfg.PingTimeout: OpenPool then Ping. Call it once per container and share the *sql.DB.
//
// Pool sizing: a function container handles one request at a time, so the ODPI-C pool starts with
// one session (created by the cold-start ping and kept warm between invocations), grows one session
// at a time up to PoolMaxSessions (2), and database/sql is capped at the same number so it never
// queues a connection request the pool cannot serve; idle database/sql connections are kept, since
// closing them only returns the session to the ODPI-C pool anyway.
func Open(ctx context.Context, cfg oracle.Config, opts ...oracle.Option) (*sql.DB, error) {
	db, err := OpenPool(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	if err := Ping(ctx, db, cfg); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// OpenPool is Open without the ping: the wallet and password are read (oracle.Prepare), the pool is
// configured, and no session exists yet. Ping it before relying on it; a function's cold start does so
// concurrently with the rest of its start (package boot), since the first session is a TLS handshake
// and a database logon.
func OpenPool(ctx context.Context, cfg oracle.Config, opts ...oracle.Option) (*sql.DB, error) {
	c, pcfg, err := Connector(ctx, cfg, opts...)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	Configure(db, pcfg)
	return db, nil
}

// Connector reads the wallet and password (oracle.Prepare) and returns godror's connector for the
// session pool, and the configuration with its defaults, for Configure and Ping. It connects nothing.
// Package db wraps it into the functions' pool (boot, through dbdriver).
func Connector(ctx context.Context, cfg oracle.Config, opts ...oracle.Option) (driver.Connector, oracle.Config, error) {
	c, err := oracle.Prepare(ctx, cfg, opts...)
	if err != nil {
		return nil, oracle.Config{}, err
	}
	return godror.NewConnector(connectionParams(c.Config, c.WalletDir, c.Password)), c.Config, nil
}

// Configure caps database/sql's pool at the ODPI-C pool's size, so it never queues a connection
// request the pool cannot serve, and keeps idle connections (closing one only returns its session to
// the ODPI-C pool anyway).
func Configure(db *sql.DB, cfg oracle.Config) {
	db.SetMaxOpenConns(cfg.PoolMaxSessions)
	db.SetMaxIdleConns(cfg.PoolMaxSessions)
}

// Ping creates the pool's first session within cfg.PingTimeout (DefaultPingTimeout when zero) and
// explains the usual failures (see classify).
func Ping(ctx context.Context, db *sql.DB, cfg oracle.Config) error {
	cfg = cfg.WithDefaults()
	pingCtx, cancel := context.WithTimeout(ctx, cfg.PingTimeout)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		return fmt.Errorf("open oracle: ping %s as %s: %w", cfg.Alias, cfg.User, classify(err))
	}
	return nil
}

// connectionParams builds godror's parameters as a value: the password never goes through a DSN
// string, and nothing depends on godror's DSN parser.
func connectionParams(cfg oracle.Config, walletDir, password string) godror.ConnectionParams {
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
	p.MaxLifeTime = oracle.DefaultPoolMaxLifetime
	if cfg.Schema != "" {
		// Applied once per new session, not per checkout from the pool.
		p.SetSessionParamOnInit("CURRENT_SCHEMA", cfg.Schema)
		p.InitOnNewConn = true
	}
	return p
}

// classify adds the remedy to the failures that have a known one.
func classify(err error) error {
	if strings.Contains(err.Error(), "DPI-1047") {
		return fmt.Errorf("%w: %s: %w", ErrInstantClientMissing, instantClientHint, err)
	}
	return err
}
