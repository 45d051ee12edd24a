// Package config reads the settings every function shares from the environment (OCI Functions passes
// function and application configuration as environment variables; so do Lambda and the local
// gateway), once at cold start, and reports every problem at once with the variable's name.
//
// Settings a package owns alone are read by that package from the same getenv (telemetry reads its
// OTEL_* and OCTO_APM_* variables); this package holds what the composition in package boot needs.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/schema/dialects"
	"github.com/octo-drone-shop/serverless/shared/oracle"
	"github.com/octo-drone-shop/serverless/shared/telemetry"
)

// Config is the validated shared configuration of one function process.
type Config struct {
	Service  string     // OCTO_SERVICE_NAME: Oracle MODULE, OTel service.name
	Function string     // FN_FN_NAME (set by OCI Functions and the local gateway), else the name main passes
	Version  string     // OCTO_FUNCTION_VERSION, else "dev"
	LogLevel slog.Level // OCTO_LOG_LEVEL: debug, info, warn, error
	DB       DB
}

// DB selects and configures the database.
type DB struct {
	Driver string // OCTO_DB_DRIVER: sqlite or oracle
	// Path is the SQLite database file (OCTO_DB_DSN when the driver is sqlite).
	Path string
	// Oracle is the ATP connection (OCTO_DB_DSN is the wallet's connect alias when the driver is oracle).
	Oracle oracle.Config
}

// Load reads and validates the configuration. fnName is the function's declared name, used when the
// runtime does not set FN_FN_NAME.
func Load(getenv func(string) string, fnName string) (Config, error) {
	return load(getenv, fnName, true)
}

// LoadWithoutDB reads the configuration of a function that uses no database (the authorizer): the
// OCTO_DB_* variables are neither required nor read.
func LoadWithoutDB(getenv func(string) string, fnName string) (Config, error) {
	return load(getenv, fnName, false)
}

func load(getenv func(string) string, fnName string, needDB bool) (Config, error) {
	var errs []error
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		Service:  or(get("OCTO_SERVICE_NAME"), telemetry.DefaultServiceName),
		Function: or(get("FN_FN_NAME"), fnName),
		Version:  or(get("OCTO_FUNCTION_VERSION"), "dev"),
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(get("OCTO_LOG_LEVEL"), "info"))); err != nil {
		errs = append(errs, fmt.Errorf("OCTO_LOG_LEVEL=%q: want debug, info, warn or error", get("OCTO_LOG_LEVEL")))
	}
	if needDB {
		errs = append(errs, c.DB.load(getenv)...)
	}
	if c.Function == "" {
		errs = append(errs, errors.New("function name unknown: FN_FN_NAME is not set"))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

func (c *DB) load(getenv func(string) string) []error {
	var errs []error
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c.Driver = get("OCTO_DB_DRIVER")
	dsn := get("OCTO_DB_DSN")
	switch c.Driver {
	case dialects.SQLite:
		if dsn == "" {
			errs = append(errs, errors.New("OCTO_DB_DSN is required with OCTO_DB_DRIVER=sqlite: the database file path"))
		}
		c.Path = dsn
	case dialects.Oracle:
		o := oracle.Config{
			Alias:              dsn,
			User:               get("OCTO_DB_USER"),
			Schema:             get("OCTO_DB_SCHEMA"),
			Password:           getenv("OCTO_DB_PASSWORD"),
			PasswordSecretOCID: get("OCTO_DB_PASSWORD_SECRET_OCID"),
			WalletDir:          get("OCTO_DB_WALLET_DIR"),
			WalletSecretOCID:   get("OCTO_DB_WALLET_SECRET_OCID"),
			Region:             get("OCTO_OCI_REGION"),
			LibDir:             get("OCTO_ORACLE_LIB_DIR"),
		}
		if v := get("OCTO_DB_POOL_MAX"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				errs = append(errs, fmt.Errorf("OCTO_DB_POOL_MAX=%q: want a positive integer", v))
			}
			o.PoolMaxSessions = n
		}
		if v := get("OCTO_DB_POOL_WAIT"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("OCTO_DB_POOL_WAIT=%q: want a positive duration such as 5s", v))
			}
			o.PoolWaitTimeout = d
		}
		if err := o.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w (variables: OCTO_DB_DSN = connect alias, OCTO_DB_USER, OCTO_DB_PASSWORD or "+
				"OCTO_DB_PASSWORD_SECRET_OCID, OCTO_DB_WALLET_DIR or OCTO_DB_WALLET_SECRET_OCID, optional OCTO_DB_SCHEMA)", err))
		}
		c.Oracle = o
	case "":
		errs = append(errs, errors.New("OCTO_DB_DRIVER is required: sqlite or oracle"))
	default:
		errs = append(errs, fmt.Errorf("OCTO_DB_DRIVER=%q: want sqlite or oracle", c.Driver))
	}
	return errs
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
