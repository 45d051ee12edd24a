package oracle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/vault"
)

// SecretSource reads the current version of a secret, decoded. Open uses it for the wallet and the
// password; ocivault.Secrets is the OCI Vault implementation.
type SecretSource = vault.Source

// ErrSecretUnreadable reports a Vault secret that could not be read or decoded (vault's).
var ErrSecretUnreadable = vault.ErrSecretUnreadable

// Option adjusts Open.
type Option func(*options)

type options struct {
	secrets SecretSource
}

// WithSecretSource makes Open read Vault secrets through src instead of building the registered Vault
// client (package vault) from the resource principal.
func WithSecretSource(src SecretSource) Option {
	return func(o *options) { o.secrets = src }
}

// Connection is what a session pool is opened from once the configuration is validated and the
// secrets are read: package oradb makes godror's connector of it, so this package links no driver.
type Connection struct {
	Config    Config // with the package defaults filled in
	WalletDir string // the directory Instant Client reads (configDir): the wallet, unpacked or rewritten
	Password  string
}

// Prepare validates cfg, reads the password and the wallet (from Vault when configured so) and
// prepares the wallet directory. The directory stays even if opening the pool later fails: godror's
// client context may already have been created with it as configDir, for the life of the process.
func Prepare(ctx context.Context, cfg Config, opts ...Option) (Connection, error) {
	if err := cfg.Validate(); err != nil {
		return Connection{}, fmt.Errorf("open oracle: %w", err)
	}
	cfg = cfg.WithDefaults()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.secrets == nil && (cfg.WalletSecretOCID != "" || cfg.PasswordSecretOCID != "") {
		src, err := vault.Open(vault.Config{Region: cfg.Region})
		if err != nil {
			return Connection{}, fmt.Errorf("open oracle: %w", err)
		}
		o.secrets = src
	}

	password := cfg.Password
	if cfg.PasswordSecretOCID != "" {
		secret, err := o.secrets.SecretContent(ctx, cfg.PasswordSecretOCID)
		if err != nil {
			return Connection{}, fmt.Errorf("open oracle: read password: %w", err)
		}
		password = strings.TrimRight(string(secret), "\r\n")
	}
	walletDir, err := prepareWallet(ctx, cfg, o.secrets)
	if err != nil {
		return Connection{}, fmt.Errorf("open oracle: %w", err)
	}

	return Connection{Config: cfg, WalletDir: walletDir, Password: password}, nil
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
