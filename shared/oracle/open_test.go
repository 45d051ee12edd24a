package oracle

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeWalletDir unpacks walletZip's files into a directory, as a user would.
func writeWalletDir(t *testing.T, alias string) string {
	t.Helper()
	files, err := readWalletZip(walletZip(t, alias, nil))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func assertSqlnetPointsAt(t *testing.T, dir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "sqlnet.ora"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `DIRECTORY="`+dir+`"`) || strings.Contains(string(data), "?/network/admin") {
		t.Errorf("sqlnet.ora in %s not rewritten:\n%s", dir, data)
	}
}

func TestPrepareFromVault(t *testing.T) {
	const (
		walletOK       = "ocid1.vaultsecret.oc1.iad.wallet"
		walletSlip     = "ocid1.vaultsecret.oc1.iad.slip"
		walletOther    = "ocid1.vaultsecret.oc1.iad.other"
		walletMissing  = "ocid1.vaultsecret.oc1.iad.missing"
		password       = "ocid1.vaultsecret.oc1.iad.password"
		passwordAbsent = "ocid1.vaultsecret.oc1.iad.nopassword"
	)
	_, client := startVault(t, map[string][]byte{
		walletOK:    walletZip(t, "octodb_tp", nil),
		walletSlip:  walletZip(t, "octodb_tp", map[string]string{"../../escaped.ora": "x"}),
		walletOther: walletZip(t, "otherdb_high", nil),
		password:    []byte("Vault-Passw0rd\n"),
	})

	tests := []struct {
		name        string
		wallet, pw  string
		wantErr     error
		wantInError []string
		wantWallet  bool
	}{
		{name: "wallet unpacked and alias found", wallet: walletOK, pw: password, wantWallet: true},
		{name: "zip slip entry refused", wallet: walletSlip, pw: password,
			wantErr: ErrUnsafeWallet, wantInError: []string{"../../escaped.ora", walletSlip}},
		{name: "missing alias lists the aliases found", wallet: walletOther, pw: password,
			wantErr: ErrAliasNotFound, wantInError: []string{`"octodb_tp"`, "otherdb_high, octodb_low"}},
		{name: "missing wallet secret is unreadable", wallet: walletMissing, pw: password,
			wantErr: ErrSecretUnreadable, wantInError: []string{walletMissing, "HTTP 404", "read wallet"}},
		{name: "missing password secret is unreadable", wallet: walletOK, pw: passwordAbsent,
			wantErr: ErrSecretUnreadable, wantInError: []string{passwordAbsent, "HTTP 404", "read password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unpack := t.TempDir()
			c, err := Prepare(context.Background(), Config{
				Alias: "octodb_tp", User: "octo", WalletSecretOCID: tt.wallet, PasswordSecretOCID: tt.pw, WalletUnpackDir: unpack,
			}, WithSecretSource(client))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Prepare: %v", err)
				}
				if c.Password != "Vault-Passw0rd" || c.WalletDir == "" {
					t.Errorf("Prepare = password %q, wallet %q; want the trimmed secret and a wallet", c.Password, c.WalletDir)
				}
			} else if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for _, want := range tt.wantInError {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			if err != nil && strings.Contains(err.Error(), "Vault-Passw0rd") {
				t.Errorf("error leaks the password: %v", err)
			}
			if _, statErr := os.Stat(filepath.Join(filepath.Dir(unpack), "escaped.ora")); statErr == nil {
				t.Error("zip slip entry was written outside the wallet directory")
			}
			wallets, _ := filepath.Glob(filepath.Join(unpack, "wallet-*"))
			if !tt.wantWallet {
				if len(wallets) != 0 {
					t.Errorf("failed Open left wallets behind: %v", wallets)
				}
				return
			}
			if len(wallets) != 1 {
				t.Fatalf("unpacked wallets = %v, want one", wallets)
			}
			for _, name := range []string{"tnsnames.ora", "cwallet.sso", "ewallet.p12"} {
				if _, err := os.Stat(filepath.Join(wallets[0], name)); err != nil {
					t.Errorf("wallet file %s: %v", name, err)
				}
			}
			assertSqlnetPointsAt(t, wallets[0])
		})
	}
}
