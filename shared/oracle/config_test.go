package oracle

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	valid := Config{Alias: "octodb_tp", User: "octo", Password: "pw", WalletDir: "/function/wallet"}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // empty: valid
	}{
		{name: "password and wallet directory is valid", change: func(*Config) {}},
		{name: "vault secrets only is valid", change: func(c *Config) {
			c.Password, c.PasswordSecretOCID = "", "ocid1.vaultsecret.oc1.iad.pw"
			c.WalletDir, c.WalletSecretOCID = "", "ocid1.vaultsecret.oc1.iad.wallet"
		}},
		{name: "empty config reports every missing setting", change: func(c *Config) { *c = Config{} },
			want: []string{"alias is required", "user is required", "one of password", "one of wallet"}},
		{name: "both password sources rejected", change: func(c *Config) { c.PasswordSecretOCID = "ocid1.vaultsecret.oc1.iad.pw" },
			want: []string{"password and password secret OCID are mutually exclusive"}},
		{name: "both wallet sources rejected", change: func(c *Config) { c.WalletSecretOCID = "ocid1.vaultsecret.oc1.iad.w" },
			want: []string{"wallet directory and wallet secret OCID are mutually exclusive"}},
		{name: "non-secret OCID rejected", change: func(c *Config) { c.Password, c.PasswordSecretOCID = "", "ocid1.vault.oc1.iad.x" },
			want: []string{`password secret OCID "ocid1.vault.oc1.iad.x" is not a vault secret OCID`}},
		{name: "negative sizes and timeouts rejected", change: func(c *Config) { c.PoolMaxSessions, c.PingTimeout = -1, -time.Second },
			want: []string{"pool max sessions -1 is negative", "ping timeout -1s is negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.change(&c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate = %q, lacks %q", err, w)
				}
			}
		})
	}
}

func TestConnectionParamsEnableTheSessionPool(t *testing.T) {
	p := connectionParams(Config{Alias: "octodb_tp", User: "octo", LibDir: "/opt/ic"}.withDefaults(), "/tmp/wallet-x", "Zq9-secret")
	if p.IsStandalone() {
		t.Error("connection is standalone, want the ODPI-C session pool")
	}
	if p.ConfigDir != "/tmp/wallet-x" || p.ConnectString != "octodb_tp" || p.LibDir != "/opt/ic" || p.Password.Secret() != "Zq9-secret" {
		t.Errorf("params = %s", p)
	}
	if p.MinSessions != 1 || p.MaxSessions != DefaultPoolMaxSessions || p.SessionIncrement != 1 ||
		p.WaitTimeout != DefaultPoolWaitTimeout || p.SessionTimeout != DefaultPoolSessionTimeout {
		t.Errorf("pool params = %+v", p.PoolParams)
	}
	if strings.Contains(p.String(), "Zq9-secret") {
		t.Errorf("params string shows the password: %s", p)
	}
}

func TestConnectionParamsSetTheSchemaOnNewSessions(t *testing.T) {
	p := connectionParams(Config{Alias: "octodb_tp", User: "OCTO_APP", Schema: "OCTO"}.withDefaults(), "/tmp/w", "pw")
	if len(p.AlterSession) != 1 || p.AlterSession[0] != [2]string{"CURRENT_SCHEMA", "OCTO"} || !p.InitOnNewConn {
		t.Errorf("session init = %v (on new sessions only: %v), want CURRENT_SCHEMA=OCTO once per session", p.AlterSession, p.InitOnNewConn)
	}
	if p := connectionParams(Config{Alias: "octodb_tp", User: "OCTO"}.withDefaults(), "/tmp/w", "pw"); len(p.AlterSession) != 0 {
		t.Errorf("no schema configured, yet session init = %v", p.AlterSession)
	}
}

func TestConfigValidateRefusesASchemaThatIsNotAnIdentifier(t *testing.T) {
	for _, s := range []string{"octo", "OCTO; DROP USER X", "1OCTO", `"OCTO"`} {
		c := Config{Alias: "a_tp", User: "u", Password: "p", WalletDir: "/w", Schema: s}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "schema") {
			t.Errorf("schema %q: Validate = %v, want a schema error", s, err)
		}
	}
	if err := (Config{Alias: "a_tp", User: "u", Password: "p", WalletDir: "/w", Schema: "OCTO_1"}).Validate(); err != nil {
		t.Errorf("schema OCTO_1: %v", err)
	}
}
