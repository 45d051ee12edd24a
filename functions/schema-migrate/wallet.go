package schemamigrate

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/database"
	"github.com/oracle/oci-go-sdk/v65/vault"

	"github.com/octo-drone-shop/serverless/shared/oracle"
)

// maxWalletZip bounds the generated wallet read from the API (an ADB wallet is about 25 KB).
const maxWalletZip = 1 << 20

// walletStore generates the database's wallet and stores its godror files in the wallet secret.
// Build it once per container: it holds the signed SDK clients.
type walletStore struct {
	db     database.DatabaseClient
	vaults vault.VaultsClient
}

func newWalletStore(provider common.ConfigurationProvider, cfg Config) (*walletStore, error) {
	db, err := database.NewDatabaseClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("database client: %w", err)
	}
	vs, err := vault.NewVaultsClientWithConfigurationProvider(provider)
	if err != nil {
		return nil, fmt.Errorf("vaults client: %w", err)
	}
	if cfg.Region != "" {
		db.SetRegion(cfg.Region)
		vs.SetRegion(cfg.Region)
	}
	if cfg.DBHost != "" {
		db.Host = cfg.DBHost
	}
	if cfg.VaultHost != "" {
		vs.Host = cfg.VaultHost
	}
	// A deploy step: the operator reruns it; no retries hiding a failing policy for minutes.
	noRetry := common.NoRetryPolicy()
	db.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &noRetry})
	vs.SetCustomClientConfiguration(common.CustomClientConfiguration{RetryPolicy: &noRetry})
	return &walletStore{db: db, vaults: vs}, nil
}

// refresh generates a wallet for databaseID, trims it to oracle.WalletFiles, writes it as the
// current version of the secret secretID, and unpacks it under parent. It returns the directory.
func (w *walletStore) refresh(ctx context.Context, databaseID, secretID, parent string) (string, error) {
	// The password protects only the files the trim drops (ewallet.p12, the keystores): a fresh
	// random one per call, never stored.
	pw := make([]byte, 24)
	if _, err := rand.Read(pw); err != nil {
		return "", fmt.Errorf("wallet password: %w", err)
	}
	password := "Ow1" + base64.RawURLEncoding.EncodeToString(pw)
	resp, err := w.db.GenerateAutonomousDatabaseWallet(ctx, database.GenerateAutonomousDatabaseWalletRequest{
		AutonomousDatabaseId: &databaseID,
		GenerateAutonomousDatabaseWalletDetails: database.GenerateAutonomousDatabaseWalletDetails{
			Password:     &password,
			GenerateType: database.GenerateAutonomousDatabaseWalletDetailsGenerateTypeSingle,
		},
	})
	if err != nil {
		return "", fmt.Errorf("generate wallet of %s: %w", databaseID, err)
	}
	defer resp.Content.Close()
	full, err := io.ReadAll(io.LimitReader(resp.Content, maxWalletZip+1))
	if err != nil {
		return "", fmt.Errorf("read generated wallet: %w", err)
	}
	if len(full) > maxWalletZip {
		return "", fmt.Errorf("generated wallet is larger than %d bytes", maxWalletZip)
	}
	trimmed, err := oracle.TrimWallet(full)
	if err != nil {
		return "", err
	}
	content := base64.StdEncoding.EncodeToString(trimmed)
	if _, err := w.vaults.UpdateSecret(ctx, vault.UpdateSecretRequest{
		SecretId: &secretID,
		UpdateSecretDetails: vault.UpdateSecretDetails{
			SecretContent: vault.Base64SecretContentDetails{Content: &content, Stage: vault.SecretContentDetailsStageCurrent},
		},
	}); err != nil {
		return "", fmt.Errorf("write wallet secret %s: %w", secretID, err)
	}
	return unpack(trimmed, parent)
}

// unpack writes the trimmed wallet's files into the directory parent/octo-migrate-wallet, emptied
// first. The path is the same at every invocation: godror takes its configuration directory once per
// process (the first connection), so a warm container's next run must find the new wallet there. The
// names are the three of oracle.WalletFiles (TrimWallet wrote them), written through an os.Root.
func unpack(trimmed []byte, parent string) (string, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	dir := filepath.Join(parent, "octo-migrate-wallet")
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("unpack wallet: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("unpack wallet: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("unpack wallet: %w", err)
	}
	defer root.Close()
	zr, err := zip.NewReader(bytes.NewReader(trimmed), int64(len(trimmed)))
	if err != nil {
		return "", fmt.Errorf("unpack wallet: %w", err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return "", fmt.Errorf("unpack wallet: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxWalletZip))
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("unpack wallet: %w", err)
		}
		if err := root.WriteFile(filepath.Base(f.Name), data, 0o600); err != nil {
			return "", fmt.Errorf("unpack wallet: %w", err)
		}
	}
	return dir, nil
}
