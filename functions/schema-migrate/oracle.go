package schemamigrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common/auth"

	"github.com/octo-drone-shop/serverless/shared/migrate"
	"github.com/octo-drone-shop/serverless/shared/oracle"
	"github.com/octo-drone-shop/serverless/shared/oracle/ocivault"
	"github.com/octo-drone-shop/serverless/shared/vault"
)

// oracleRunner is the Oracle invocation (see the package documentation).
type oracleRunner struct {
	cfg     Config
	wallets *walletStore
	secrets *ocivault.Secrets
	log     *slog.Logger
}

func newOracleRunner(cfg Config, log *slog.Logger) (*oracleRunner, error) {
	provider, err := auth.ResourcePrincipalConfigurationProvider()
	if err != nil {
		return nil, fmt.Errorf("schema-migrate: resource principal: %w", err)
	}
	ws, err := newWalletStore(provider, cfg)
	if err != nil {
		return nil, fmt.Errorf("schema-migrate: %w", err)
	}
	vs, err := ocivault.New(vault.Config{Region: cfg.Region, Endpoint: cfg.VaultHost})
	if err != nil {
		return nil, fmt.Errorf("schema-migrate: %w", err)
	}
	return &oracleRunner{cfg: cfg, wallets: ws, secrets: vs, log: log}, nil
}

func (o *oracleRunner) readPassword(ctx context.Context, u *User) error {
	b, err := o.secrets.SecretContent(ctx, u.SecretOCID)
	if err != nil {
		return err
	}
	u.passwordText = strings.TrimRight(string(b), "\r\n")
	return password(u.Name, u.passwordText)
}

func (o *oracleRunner) run(ctx context.Context, rep *Report) (err error) {
	cfg := o.cfg
	rep.Dialect = "oracle"
	for _, u := range []*User{&cfg.Owner, &cfg.App, &cfg.Monitor} {
		if err := o.readPassword(ctx, u); err != nil {
			return fmt.Errorf("schema-migrate: %w", err)
		}
	}
	dir, err := o.wallets.refresh(ctx, cfg.DatabaseID, cfg.WalletOCID, cfg.WalletDir)
	if err != nil {
		return fmt.Errorf("schema-migrate: %w", err)
	}
	rep.Wallet = cfg.WalletOCID

	open := func(user, secret string) (*sql.DB, error) {
		return openOracle(ctx, oracle.Config{Alias: cfg.Alias, User: user, PasswordSecretOCID: secret, WalletDir: dir,
			WalletUnpackDir: cfg.WalletDir, Region: cfg.Region, PoolMaxSessions: 1}, oracle.WithSecretSource(o.secrets))
	}
	admin, err := open("ADMIN", cfg.AdminSecret)
	if err != nil {
		return fmt.Errorf("schema-migrate: connect as ADMIN: %w", err)
	}
	rep.Users, err = ensureUsers(ctx, admin, cfg)
	err = errors.Join(err, admin.Close())
	if err != nil {
		return fmt.Errorf("schema-migrate: users: %w", err)
	}

	owner, err := open(cfg.Owner.Name, cfg.Owner.SecretOCID)
	if err != nil {
		return fmt.Errorf("schema-migrate: connect as %s: %w", cfg.Owner.Name, err)
	}
	defer func() { err = errors.Join(err, owner.Close()) }()
	m, err := migrate.Run(ctx, owner, "oracle", migrate.Options{})
	record(rep, m)
	if err != nil {
		return err
	}
	rep.Grants, err = grantApp(ctx, owner, cfg.App.Name)
	if err != nil {
		return fmt.Errorf("schema-migrate: grants to %s: %w", cfg.App.Name, err)
	}
	return nil
}
