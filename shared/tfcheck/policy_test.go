package tfcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyBundle copies the repository's terraform/ and every func.yaml into a temporary root, applying
// edits (file name under terraform/ -> old -> new) to the Terraform; an edit that matches nothing
// fails the test, so a stale edit cannot pass silently.
func copyBundle(t *testing.T, edits map[string][][2]string) string {
	t.Helper()
	src := repoRoot(t)
	root := t.TempDir()
	tfFiles, err := filepath.Glob(filepath.Join(src, "terraform", "*.tf"))
	if err != nil || len(tfFiles) == 0 {
		t.Fatalf("no terraform files: %v", err)
	}
	for _, f := range tfFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, e := range edits[filepath.Base(f)] {
			if !strings.Contains(text, e[0]) {
				t.Fatalf("edit of %s: %q not found", filepath.Base(f), e[0])
			}
			text = strings.Replace(text, e[0], e[1], 1)
		}
		writeFile(t, filepath.Join(root, "terraform", filepath.Base(f)), text)
	}
	decls, err := filepath.Glob(filepath.Join(src, "functions", "*", "func.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(decls, filepath.Join(src, "func.yaml")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(src, f)
		writeFile(t, filepath.Join(root, rel), string(b))
	}
	return root
}

func wantProblems(t *testing.T, problems []Problem, err error, wants ...string) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, p := range problems {
		all = append(all, p.String())
	}
	text := strings.Join(all, "\n")
	if len(wants) == 0 && len(problems) > 0 {
		t.Fatalf("unexpected problems:\n%s", text)
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("problems do not mention %q:\n%s", w, text)
		}
	}
}

func TestRepositoryTerraformIsLeastPrivilege(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "terraform")
	for name, check := range map[string]func(string) ([]Problem, error){
		"secret access": CheckSecretAccess, "cors owner": CheckCORSOwner, "service secret policies": CheckServiceSecretPolicies,
	} {
		t.Run(name, func(t *testing.T) {
			problems, err := check(dir)
			wantProblems(t, problems, err)
		})
	}
}

func TestCheckSecretAccessFailsOnAGrantBeyondUse(t *testing.T) {
	tests := []struct {
		name  string
		edits map[string][][2]string
		want  []string
	}{
		{"the token signer's group reads the ADMIN password", map[string][][2]string{"iam.tf": {{
			`token_signer = ["token_key"]`, `token_signer = ["token_key", "db_admin_password"]`}}},
			[]string{"function auth is in the token_signer dynamic group, which can read secret db_admin_password"}},
		{"database functions read the signing key", map[string][][2]string{"iam.tf": {{
			`database     = ["wallet", "db_app_password", "apm_data_key"]`, `database     = ["wallet", "db_app_password", "apm_data_key", "token_key"]`}}},
			[]string{"function catalog is in the database dynamic group, which can read secret token_key", "function cart is in the database"}},
		{"a function stops using a secret its group still reads", map[string][][2]string{"main.tf": {{
			`      OCTO_APM_DATA_KEY_SECRET_OCID = "apm_data_key"
    }
    token_signer`, `    }
    token_signer`}}},
			[]string{"function orders is in the database dynamic group, which can read secret apm_data_key"}},
		{"a hand-written secret grant", map[string][][2]string{"iam.tf": {{
			`"Allow service faas to read repos in tenancy",`,
			`"Allow service faas to read repos in tenancy",
      "Allow dynamic-group x to read secret-bundles in ${local.compartment}",`}}},
			[]string{"outside local.secret_policy_statements"}},
		{"one dynamic group for every function", map[string][][2]string{"iam.tf": {{
			`matching_rule  = "ANY {${join(", ", [for name in local.need_members[each.key] : "resource.id = '${oci_functions_function.this[name].id}'"])}}"`,
			`matching_rule  = "ALL {resource.type = 'fnfunc', resource.compartment.id = '${var.compartment_ocid}'}"`}}},
			[]string{"matches every function of a compartment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyBundle(t, tt.edits)
			problems, err := CheckSecretAccess(filepath.Join(root, "terraform"))
			if len(problems) == 0 && err == nil {
				t.Fatal("no problem found")
			}
			wantProblems(t, problems, err, tt.want...)
		})
	}
}

func TestCheckCORSOwnerFailsOnTwoOwners(t *testing.T) {
	tests := []struct {
		name  string
		edits map[string][][2]string
	}{
		{"functions get OCTO_CORS_ORIGINS too", map[string][][2]string{"main.tf": {{
			`    OCTO_APM_ENDPOINT = local.apm_endpoint
`, `    OCTO_APM_ENDPOINT = local.apm_endpoint
    OCTO_CORS_ORIGINS = join(",", var.cors.allowed_origins)
`}}}},
		{"functions get OCTO_CORS_ORIGINS through extra config", map[string][][2]string{"functions.tf": {{
			`    var.extra_config,`, `    var.extra_config,
    { "OCTO_CORS_ORIGINS" = "https://shop.example.com" },`}}}},
		{"a route answers CORS besides the deployment", map[string][][2]string{"gateway.tf": {{
			`        request_policies {
          # Without an authorizer`, `        request_policies {
          cors {
            allowed_origins = ["https://shop.example.com"]
          }
          # Without an authorizer`}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyBundle(t, tt.edits)
			problems, err := CheckCORSOwner(filepath.Join(root, "terraform"))
			if len(problems) == 0 && err == nil {
				t.Fatal("no problem found")
			}
			wantProblems(t, problems, err, "CORS is configured in 2 places")
		})
	}
}

func TestCheckServiceSecretPoliciesFailsWithoutTheDpdPolicy(t *testing.T) {
	root := copyBundle(t, map[string][][2]string{"iam.tf": {{
		`"Allow service dpd to read secret-family in ${local.compartment} where target.secret.id = '${local.secret_ids.db_monitor_password}'",`,
		`"Allow service dpd to read secret-family in ${local.compartment} where target.secret.id = '${local.secret_ids.db_app_password}'",`}}})
	problems, err := CheckServiceSecretPolicies(filepath.Join(root, "terraform"))
	if len(problems) == 0 && err == nil {
		t.Fatal("no problem found")
	}
	wantProblems(t, problems, err,
		"oci_database_management_autonomous_database_autonomous_database_dbm_features_management.this: password_secret_id = local.secret_ids.db_monitor_password, but no policy",
		"oci_opsi_database_insight.this: password_secret_id = local.secret_ids.db_monitor_password")
}
