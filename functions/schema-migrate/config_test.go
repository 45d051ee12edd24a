package schemamigrate

import (
	"strings"
	"testing"
)

func oracleEnv(over map[string]string) func(string) string {
	env := map[string]string{
		"OCTO_DB_DSN": "octo_tp", "OCTO_DB_OCID": "ocid1.autonomousdatabase.oc1.iad.db",
		"OCTO_MIGRATE_WALLET_SECRET_OCID": "ocid1.vaultsecret.oc1.iad.w",
		"OCTO_DB_USER":                    "OCTO", "OCTO_DB_PASSWORD_SECRET_OCID": "ocid1.vaultsecret.oc1.iad.o",
		"OCTO_MIGRATE_APP_USER": "OCTO_APP", "OCTO_MIGRATE_APP_PASSWORD_SECRET_OCID": "ocid1.vaultsecret.oc1.iad.a",
		"OCTO_MIGRATE_MONITOR_USER": "OCTO_MONITOR", "OCTO_MIGRATE_MONITOR_PASSWORD_SECRET_OCID": "ocid1.vaultsecret.oc1.iad.m",
		"OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID": "ocid1.vaultsecret.oc1.iad.admin",
	}
	for k, v := range over {
		env[k] = v
	}
	return func(k string) string { return env[k] }
}

func TestConfigFromEnv(t *testing.T) {
	if _, err := ConfigFromEnv(oracleEnv(nil)); err != nil {
		t.Fatalf("complete environment: %v", err)
	}
	tests := []struct {
		name string
		over map[string]string
		want string
	}{
		{"the application user may not be ADMIN", map[string]string{"OCTO_MIGRATE_APP_USER": "ADMIN"}, "OCTO_MIGRATE_APP_USER"},
		{"a quoted user name is refused", map[string]string{"OCTO_DB_USER": `OCTO" IDENTIFIED`}, "OCTO_DB_USER"},
		{"the users must differ", map[string]string{"OCTO_MIGRATE_MONITOR_USER": "OCTO"}, "must differ"},
		{"the ADMIN secret is required", map[string]string{"OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID": ""}, "OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID is required"},
		{"the database OCID must be one", map[string]string{"OCTO_DB_OCID": "octo"}, "OCTO_DB_OCID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConfigFromEnv(oracleEnv(tt.over))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Octo-Passw0rd-2026":  true,
		"short1A":             false,
		"NoDigitsHereAtAll":   false,
		"MyAdmin-Passw0rd":    false, // contains admin, in any case
		`Quote"Passw0rd-2026`: false,
		"Tab\tPassw0rd-2026":  false,
		"alllowercase-2026x":  false,
	} {
		if err := password("OCTO", pw); (err == nil) != ok {
			t.Errorf("password %q: %v, want accepted %v", pw, err, ok)
		}
	}
}

func TestUserStatements(t *testing.T) {
	u := User{Name: "OCTO_APP", passwordText: "Octo-Passw0rd-2026"}
	create := userStatements("app", u, false)
	if len(create) != 2 || create[0] != `CREATE USER "OCTO_APP" IDENTIFIED BY "Octo-Passw0rd-2026"` || create[1] != `GRANT CREATE SESSION TO "OCTO_APP"` {
		t.Errorf("new application user: %q", create)
	}
	alter := userStatements("monitor", User{Name: "OCTO_MONITOR", passwordText: "Octo-Passw0rd-2026"}, true)
	if !strings.HasPrefix(alter[0], `ALTER USER "OCTO_MONITOR" IDENTIFIED BY`) || !strings.Contains(strings.Join(alter, ";"), "SELECT ANY DICTIONARY") {
		t.Errorf("existing monitoring user: %q", alter)
	}
	owner := userStatements("owner", User{Name: "OCTO", passwordText: "x"}, true)
	if !strings.Contains(strings.Join(owner, ";"), "QUOTA UNLIMITED ON DATA") || strings.Contains(strings.Join(owner, ";"), "DBA") {
		t.Errorf("schema owner: %q", owner)
	}
}
