package tfcheck

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestProviderSchema loads the 7 MB provider schema once and checks the real configuration and a set
// of deliberately broken snippets against it.
func TestProviderSchema(t *testing.T) {
	root := repoRoot(t)
	schema, err := LoadSchema(SchemaPath(root))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("terraform directory matches the provider schema", func(t *testing.T) {
		problems, err := schema.CheckDir(filepath.Join(root, "terraform"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	})

	t.Run("terraform directory references resolve", func(t *testing.T) {
		problems, err := schema.CheckReferences(filepath.Join(root, "terraform"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	})

	t.Run("references", func(t *testing.T) {
		const decls = `
variable "v" {
  type = string
}
locals {
  l = var.v
}
resource "oci_logging_log_group" "g" {
  compartment_id = var.v
  display_name   = local.l
}
data "oci_apm_apm_domain" "a" {
  apm_domain_id = var.v
}
`
		tests := []struct {
			name, expr, want string
		}{
			{"declared references pass", "[oci_logging_log_group.g.id, data.oci_apm_apm_domain.a.data_upload_endpoint, oci_logging_log_group.g[*].id]", ""},
			{"undeclared variable fails", "var.w", "undeclared var.w"},
			{"undeclared local fails", "local.m", "undeclared local.m"},
			{"undeclared resource fails", "oci_logging_log_group.h.id", "undeclared resource oci_logging_log_group.h"},
			{"undeclared data source fails", "data.oci_apm_apm_domain.b.id", "undeclared data source"},
			{"unknown resource attribute fails", "oci_logging_log_group.g.displayname", `oci_logging_log_group has no attribute "displayname"`},
			{"unknown data attribute fails", "data.oci_apm_apm_domain.a.upload_endpoint", `oci_apm_apm_domain has no attribute "upload_endpoint"`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir := t.TempDir()
				writeFile(t, filepath.Join(dir, "main.tf"), decls+"output \"o\" {\n  value = "+tt.expr+"\n}\n")
				problems, err := schema.CheckReferences(dir)
				if err != nil {
					t.Fatal(err)
				}
				switch {
				case tt.want == "" && len(problems) > 0:
					t.Fatalf("unexpected problems %v", problems)
				case tt.want != "" && (len(problems) != 1 || !strings.Contains(problems[0].Message, tt.want)):
					t.Fatalf("problems %v, want exactly one mentioning %q", problems, tt.want)
				}
			})
		}
	})

	const validDeployment = `
resource "oci_apigateway_deployment" "d" {
  compartment_id = "c"
  gateway_id     = "g"
  path_prefix    = "/v1"
  specification {
    dynamic "routes" {
      for_each = local.routes
      content {
        path = routes.value.path
        backend {
          type = "ORACLE_FUNCTIONS_BACKEND"
        }
      }
    }
  }
}
`
	tests := []struct {
		name string
		src  string
		want []string // every problem expected, as substrings, in position order (a missing item is reported at its enclosing block)
	}{
		{
			name: "valid with meta-arguments and dynamic blocks passes",
			src: validDeployment + `
resource "oci_logging_log_group" "g" {
  for_each       = toset(["a"])
  compartment_id = "c"
  display_name   = each.key
  depends_on     = [oci_apigateway_deployment.d]
  lifecycle {
    prevent_destroy = true
  }
}
data "oci_apm_data_keys" "k" {
  count         = 1
  apm_domain_id = "x"
}
provider "oci" {
  region = "us-ashburn-1"
}`,
		},
		{
			name: "misspelled argument fails",
			src: `
resource "oci_logging_log_group" "g" {
  compartment_id = "c"
  display_name   = "n"
  descripton     = "typo"
}`,
			want: []string{`unsupported argument "descripton"`},
		},
		{
			name: "missing required argument fails",
			src: `
resource "oci_logging_log_group" "g" {
  compartment_id = "c"
}`,
			want: []string{`missing required argument "display_name"`},
		},
		{
			name: "misspelled required argument fails twice",
			src: `
resource "oci_functions_function" "f" {
  application_id = "a"
  display_name   = "f"
  memory_in_mb   = "256"
}`,
			want: []string{`missing required argument "memory_in_mbs"`, `unsupported argument "memory_in_mb"`},
		},
		{
			name: "missing required nested block fails",
			src: `
resource "oci_apigateway_deployment" "d" {
  compartment_id = "c"
  gateway_id     = "g"
  path_prefix    = "/v1"
}`,
			want: []string{`missing required block "specification"`},
		},
		{
			name: "misspelled block inside a dynamic block's content fails",
			src:  strings.Replace(validDeployment, "backend {", "backend {\n          function_ids = \"x\"", 1),
			want: []string{`specification.routes.backend: unsupported argument "function_ids"`},
		},
		{
			name: "misspelled dynamic block name fails and leaves the required block missing",
			src:  strings.Replace(validDeployment, `dynamic "routes"`, `dynamic "route"`, 1),
			want: []string{`missing required block "routes"`, `unsupported block "route"`},
		},
		{
			name: "missing required argument in a nested block fails",
			src: strings.Replace(validDeployment, "specification {", `specification {
    request_policies {
      rate_limiting {
        rate_in_requests_per_second = 10
      }
    }`, 1),
			want: []string{`specification.request_policies.rate_limiting: missing required argument "rate_key"`},
		},
		{
			name: "unknown resource type fails",
			src: `
resource "oci_function_function" "f" {
  display_name = "f"
}`,
			want: []string{`resource type "oci_function_function" does not exist`},
		},
		{
			name: "unknown data source fails",
			src: `
data "oci_apm_data_key" "k" {
  apm_domain_id = "x"
}`,
			want: []string{`data source type "oci_apm_data_key" does not exist`},
		},
		{
			name: "read-only argument fails",
			src: `
resource "oci_apm_apm_domain" "a" {
  compartment_id       = "c"
  display_name         = "apm"
  data_upload_endpoint = "https://x"
}`,
			want: []string{`argument "data_upload_endpoint" is read-only`},
		},
		{
			name: "argument written as a block fails",
			src: `
resource "oci_functions_function" "f" {
  application_id = "a"
  display_name   = "f"
  memory_in_mbs  = "256"
  config {
    A = "b"
  }
}`,
			want: []string{`"config" is an argument, not a block`},
		},
		{
			name: "too many single blocks fail",
			src: strings.Replace(validDeployment, "path_prefix    = \"/v1\"", `path_prefix    = "/v1"
  specification {
    routes {
      path = "/x"
      backend {
        type = "STOCK_RESPONSE_BACKEND"
      }
    }
  }`, 1),
			want: []string{`2 "specification" blocks, at most 1 allowed`},
		},
		{
			name: "misspelled provider argument fails",
			src: `
provider "oci" {
  regoin = "us-ashburn-1"
}`,
			want: []string{`provider oci: unsupported argument "regoin"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, err := schema.CheckFile("snippet.tf", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != len(tt.want) {
				t.Fatalf("got %d problems %v, want %d %q", len(problems), problems, len(tt.want), tt.want)
			}
			for i, p := range problems {
				if !strings.Contains(p.Message, tt.want[i]) {
					t.Errorf("problem %d = %q, want it to mention %q", i, p.Message, tt.want[i])
				}
			}
		})
	}
}

func TestLoadSchemaFailures(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content, want string
	}{
		{"missing file fails", "absent.json", "", "no such file"},
		{"malformed JSON fails", "bad.json", "{", "unexpected end"},
		{"schema without oracle/oci fails", "other.json", `{"provider_schemas":{"registry.opentofu.org/hashicorp/aws":{}}}`, "no oracle/oci provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(dir, tt.file)
			if tt.content != "" {
				writeFile(t, p, tt.content)
			}
			_, err := LoadSchema(p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadSchema error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSchemaPathOverride(t *testing.T) {
	t.Setenv(SchemaEnv, "/elsewhere/schema.json")
	if got := SchemaPath("/repo"); got != "/elsewhere/schema.json" {
		t.Errorf("SchemaPath with %s set = %q", SchemaEnv, got)
	}
	t.Setenv(SchemaEnv, "")
	if got, want := SchemaPath("/repo"), filepath.FromSlash("/shared/terraform/oci-provider-schema.json"); got != want {
		t.Errorf("SchemaPath = %q, want %q", got, want)
	}
}
