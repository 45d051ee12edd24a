package oradb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/oracle"
)

// skipWithInstantClient skips tests that assert DPI-1047 on a machine where Instant Client is installed.
func skipWithInstantClient(t *testing.T) {
	t.Helper()
	dirs := append(filepath.SplitList(os.Getenv("LD_LIBRARY_PATH")), "/usr/lib/oracle/*/client64/lib", "/opt/oracle/instantclient*", "/usr/lib64", "/usr/lib/x86_64-linux-gnu")
	for _, d := range dirs {
		if m, _ := filepath.Glob(filepath.Join(d, "libclntsh.so*")); len(m) > 0 {
			t.Skipf("Instant Client present (%s): DPI-1047 cannot happen here", m[0])
		}
	}
}

// writeWalletDir writes the files of a wallet defining alias, as an image carries it (sqlnet.ora
// pointing at "?/network/admin").
func writeWalletDir(t *testing.T, alias string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"tnsnames.ora": alias + " = (description=(address=(protocol=tcps)(port=1522)(host=adb.example.com))(connect_data=(service_name=x_tp.adb.oraclecloud.com)))\n",
		"sqlnet.ora":   "WALLET_LOCATION = (SOURCE = (METHOD = file) (METHOD_DATA = (DIRECTORY=\"?/network/admin\")))\nSSL_SERVER_DN_MATCH=yes\n",
		"cwallet.sso":  "not a real wallet",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOpenWithoutInstantClientSaysWhatToInstall(t *testing.T) {
	skipWithInstantClient(t)
	walletDir := writeWalletDir(t, "octodb_tp")
	unpack := t.TempDir()

	db, err := Open(context.Background(), oracle.Config{
		Alias: "octodb_tp", User: "octo", Password: "pw-not-in-errors", WalletDir: walletDir, WalletUnpackDir: unpack,
	})
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded without Instant Client")
	}
	t.Logf("Open: %v", err)
	if !errors.Is(err, ErrInstantClientMissing) {
		t.Errorf("err = %v, want ErrInstantClientMissing", err)
	}
	for _, want := range []string{"DPI-1047", "oracle-instantclient-basiclite", "oracle-instantclient-release-23ai-el9", "LD_LIBRARY_PATH", "octodb_tp"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), "pw-not-in-errors") {
		t.Errorf("error leaks the password: %v", err)
	}
	// The image's wallet is read-only and says "?/network/admin": Open used a rewritten copy.
	copies, _ := filepath.Glob(filepath.Join(unpack, "wallet-*", "sqlnet.ora"))
	if len(copies) != 1 {
		t.Fatalf("rewritten wallet copies = %v, want one", copies)
	}
}

func TestConnectionParamsEnableTheSessionPool(t *testing.T) {
	p := connectionParams(oracle.Config{Alias: "octodb_tp", User: "octo", LibDir: "/opt/ic"}.WithDefaults(), "/tmp/wallet-x", "Zq9-secret")
	if p.IsStandalone() {
		t.Error("connection is standalone, want the ODPI-C session pool")
	}
	if p.ConfigDir != "/tmp/wallet-x" || p.ConnectString != "octodb_tp" || p.LibDir != "/opt/ic" || p.Password.Secret() != "Zq9-secret" {
		t.Errorf("params = %s", p)
	}
	if p.MinSessions != 1 || p.MaxSessions != oracle.DefaultPoolMaxSessions || p.SessionIncrement != 1 ||
		p.WaitTimeout != oracle.DefaultPoolWaitTimeout || p.SessionTimeout != oracle.DefaultPoolSessionTimeout {
		t.Errorf("pool params = %+v", p.PoolParams)
	}
	if strings.Contains(p.String(), "Zq9-secret") {
		t.Errorf("params string shows the password: %s", p)
	}
}

func TestConnectionParamsSetTheSchemaOnNewSessions(t *testing.T) {
	p := connectionParams(oracle.Config{Alias: "octodb_tp", User: "OCTO_APP", Schema: "OCTO"}.WithDefaults(), "/tmp/w", "pw")
	if len(p.AlterSession) != 1 || p.AlterSession[0] != [2]string{"CURRENT_SCHEMA", "OCTO"} || !p.InitOnNewConn {
		t.Errorf("session init = %v (on new sessions only: %v), want CURRENT_SCHEMA=OCTO once per session", p.AlterSession, p.InitOnNewConn)
	}
	if p := connectionParams(oracle.Config{Alias: "octodb_tp", User: "OCTO"}.WithDefaults(), "/tmp/w", "pw"); len(p.AlterSession) != 0 {
		t.Errorf("no schema configured, yet session init = %v", p.AlterSession)
	}
}

func TestConfigValidateRefusesASchemaThatIsNotAnIdentifier(t *testing.T) {
	for _, s := range []string{"octo", "OCTO; DROP USER X", "1OCTO", `"OCTO"`} {
		c := oracle.Config{Alias: "a_tp", User: "u", Password: "p", WalletDir: "/w", Schema: s}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "schema") {
			t.Errorf("schema %q: Validate = %v, want a schema error", s, err)
		}
	}
	if err := (oracle.Config{Alias: "a_tp", User: "u", Password: "p", WalletDir: "/w", Schema: "OCTO_1"}).Validate(); err != nil {
		t.Errorf("schema OCTO_1: %v", err)
	}
}
