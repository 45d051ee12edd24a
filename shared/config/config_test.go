package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr []string
		check   func(t *testing.T, c Config)
	}{
		{name: "sqlite with defaults", env: map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": "/tmp/x.db"},
			check: func(t *testing.T, c Config) {
				if c.Service != "octo-drone-shop" || c.Function != "catalog" || c.Version != "dev" || c.DB.Path != "/tmp/x.db" {
					t.Errorf("config = %+v", c)
				}
			}},
		{name: "runtime name and overrides win", env: map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": "a.db",
			"FN_FN_NAME": "cart", "OCTO_SERVICE_NAME": "crm", "OCTO_FUNCTION_VERSION": "1.4.0", "OCTO_LOG_LEVEL": "debug"},
			check: func(t *testing.T, c Config) {
				if c.Service != "crm" || c.Function != "cart" || c.Version != "1.4.0" || c.LogLevel.String() != "DEBUG" {
					t.Errorf("config = %+v", c)
				}
			}},
		{name: "oracle with wallet and vault password", env: map[string]string{"OCTO_DB_DRIVER": "oracle", "OCTO_DB_DSN": "octodb_tp",
			"OCTO_DB_USER": "octo", "OCTO_DB_PASSWORD_SECRET_OCID": "ocid1.vaultsecret.oc1..pw", "OCTO_DB_WALLET_DIR": "/wallet", "OCTO_DB_POOL_MAX": "3"},
			check: func(t *testing.T, c Config) {
				o := c.DB.Oracle
				if o.Alias != "octodb_tp" || o.User != "octo" || o.WalletDir != "/wallet" || o.PoolMaxSessions != 3 {
					t.Errorf("oracle = %+v", o)
				}
			}},
		{name: "missing driver is named", env: map[string]string{}, wantErr: []string{"OCTO_DB_DRIVER is required"}},
		{name: "unknown driver is named", env: map[string]string{"OCTO_DB_DRIVER": "mysql"}, wantErr: []string{`OCTO_DB_DRIVER="mysql"`}},
		{name: "sqlite without path", env: map[string]string{"OCTO_DB_DRIVER": "sqlite"}, wantErr: []string{"OCTO_DB_DSN is required"}},
		{name: "every problem reported at once", env: map[string]string{"OCTO_DB_DRIVER": "oracle", "OCTO_LOG_LEVEL": "loud", "OCTO_DB_POOL_MAX": "x"},
			wantErr: []string{"OCTO_LOG_LEVEL", "OCTO_DB_POOL_MAX", "alias is required", "user is required", "wallet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(env(tt.env), "catalog")
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, c)
				return
			}
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}
