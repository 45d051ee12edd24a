// Command oci-schema-provider is a Terraform provider plugin (protocol 5, like the SDKv2-based
// oracle/oci it stands in for) that serves the oracle/oci provider's published schema, read from
// $OCTO_OCI_SCHEMA (the output of `tofu providers schema -json`), and nothing else. It exists so that
// `tofu validate` runs offline, where the real provider binary cannot be downloaded: OpenTofu checks
// the configuration against the schema itself; the provider's own validators do not run, and every
// plan, apply or read answers an error. make tf-check installs it in a filesystem mirror as
// registry.opentofu.org/oracle/oci; see package schemaprovider.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tfprotov5/tf5server"

	"github.com/octo-drone-shop/serverless/shared/internal/schemaprovider"
)

const source = "registry.opentofu.org/oracle/oci"

func main() {
	path := os.Getenv("OCTO_OCI_SCHEMA")
	if path == "" {
		fmt.Fprintln(os.Stderr, "oci-schema-provider: OCTO_OCI_SCHEMA must name the `tofu providers schema -json` file")
		os.Exit(2)
	}
	schemas, err := schemaprovider.LoadFile(path, "oracle/oci")
	if err != nil {
		fmt.Fprintln(os.Stderr, "oci-schema-provider:", err)
		os.Exit(1)
	}
	server := schemaprovider.NewServer(source, schemas)
	if err := tf5server.Serve(source, func() tfprotov5.ProviderServer { return server }); err != nil {
		fmt.Fprintln(os.Stderr, "oci-schema-provider:", err)
		os.Exit(1)
	}
}
