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
