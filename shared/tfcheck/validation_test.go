package tfcheck

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// The ADMIN password rules of Autonomous Database, as variables.tf validates them before anything is
// created: 12-30 characters, upper and lower case and a digit, no double quote, and not containing
// "admin" in any case.
func TestAdminPasswordRules(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "terraform")
	for pw, ok := range map[string]bool{
		"Octo-Passw0rd-2026":                  true,
		"Short1a":                             false,
		"octo-passw0rd-2026":                  false,
		"Octo-Password-Twenty":                false,
		`Octo-"Passw0rd"-2026`:                false,
		"MyAdmin-Passw0rd-26":                 false,
		"myADMIN-Passw0rd-26":                 false,
		"Octo-Passw0rd-2026-and-far-too-long": false,
	} {
		failed, err := CheckVariable(dir, "db_password", cty.StringVal(pw))
		if err != nil {
			t.Fatal(err)
		}
		if (len(failed) == 0) != ok {
			t.Errorf("db_password %q: failures %q, want accepted %v", pw, failed, ok)
		}
	}
	failed, err := CheckVariable(dir, "db_user_passwords", cty.ObjectVal(map[string]cty.Value{
		"app": cty.StringVal("App-admin-Passw0rd"), "monitor": cty.StringVal("Octo-Passw0rd-2026")}))
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "admin") {
		t.Errorf("db_user_passwords with admin in app's: failures %q", failed)
	}
}

// Images are built for linux/amd64 only: an ARM or mixed shape is refused.
func TestFunctionsShapeIsAMD64Only(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "terraform")
	for shape, ok := range map[string]bool{"GENERIC_X86": true, "GENERIC_ARM": false, "GENERIC_X86_ARM": false} {
		failed, err := CheckVariable(dir, "functions_shape", cty.StringVal(shape))
		if err != nil {
			t.Fatal(err)
		}
		if (len(failed) == 0) != ok {
			t.Errorf("functions_shape %s: failures %q, want accepted %v", shape, failed, ok)
		}
	}
}

// The three database users differ, are not ADMIN, and one-way TLS on a new database needs an access
// list.
func TestDatabaseVariableRules(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "terraform")
	tests := []struct {
		name  string
		value map[string]cty.Value
		want  string
	}{
		{"defaults need an access list for TLS", map[string]cty.Value{}, "whitelisted_ips"},
		{"the application user may not be ADMIN", map[string]cty.Value{"app_user": cty.StringVal("ADMIN"),
			"whitelisted_ips": cty.ListVal([]cty.Value{cty.StringVal("ocid1.vcn.oc1..x")})}, "not ADMIN"},
		{"users must differ", map[string]cty.Value{"monitor_user": cty.StringVal("OCTO"),
			"whitelisted_ips": cty.ListVal([]cty.Value{cty.StringVal("ocid1.vcn.oc1..x")})}, "three different users"},
		{"mTLS needs no access list", map[string]cty.Value{"mtls_required": cty.True}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failed, err := CheckVariable(dir, "database", cty.ObjectVal(tt.value))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(failed, "\n")
			if (tt.want == "") != (len(failed) == 0) || !strings.Contains(got, tt.want) {
				t.Errorf("failures %q, want %q", got, tt.want)
			}
		})
	}
}
