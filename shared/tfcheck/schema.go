// Package tfcheck checks the bundle's Terraform offline, where neither the oracle/oci provider nor OCI
// can be reached: every resource and data source, argument and nested block in terraform/*.tf is
// checked against the provider's published schema (the output of `tofu providers schema -json` for
// oracle/oci 8.28.0, kept at ../shared/terraform/oci-provider-schema.json), required arguments and
// blocks included, and every reference (var, local, resource, data source, attribute) must resolve;
// the Terraform locals derived from the function declarations are evaluated with real HCL evaluation
// (hcl/v2 with Terraform's go-cty function implementations) so tests can compare them with package
// manifest; and every function's Dockerfile is checked for the structure the deployment relies on.
//
// These checks need neither OpenTofu nor the provider binary, so they always run: names, required
// arguments, block counts and references, not value types or cross-argument rules. When OpenTofu is
// built, the real `tofu validate` runs too (OfflineTofu), against the same schema served by
// shared/cmd/oci-schema-provider from an offline filesystem mirror. The tests of this package run them
// on terraform/ and functions/*/Dockerfile.
package tfcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// SchemaEnv names the environment variable that overrides the provider schema location.
const SchemaEnv = "OCTO_OCI_SCHEMA"

// SchemaPath returns the provider schema file for the repository at root: $OCTO_OCI_SCHEMA when set,
// else ../shared/terraform/oci-provider-schema.json beside the repository.
func SchemaPath(root string) string {
	if p := os.Getenv(SchemaEnv); p != "" {
		return p
	}
	return filepath.Join(root, "..", "shared", "terraform", "oci-provider-schema.json")
}

// Schema is the part of a provider schema the checks need.
type Schema struct {
	Provider    *Block
	Resources   map[string]*Block
	DataSources map[string]*Block
}

// Block is a configuration block's schema: its arguments and nested block types.
type Block struct {
	Attributes map[string]*Attribute `json:"attributes"`
	BlockTypes map[string]*BlockType `json:"block_types"`
}

// Attribute is one argument's schema. An attribute that is computed but neither required nor optional
// is read-only.
type Attribute struct {
	Required bool `json:"required"`
	Optional bool `json:"optional"`
	Computed bool `json:"computed"`
}

// BlockType is a nested block's schema: how many may appear and what they contain.
type BlockType struct {
	NestingMode string `json:"nesting_mode"`
	MinItems    int    `json:"min_items"`
	MaxItems    int    `json:"max_items"`
	Block       *Block `json:"block"`
}

type schemaFile struct {
	ProviderSchemas map[string]struct {
		Provider struct {
			Block *Block `json:"block"`
		} `json:"provider"`
		ResourceSchemas map[string]struct {
			Block *Block `json:"block"`
		} `json:"resource_schemas"`
		DataSourceSchemas map[string]struct {
			Block *Block `json:"block"`
		} `json:"data_source_schemas"`
	} `json:"provider_schemas"`
}

// LoadSchema reads a `providers schema -json` document and returns the oracle/oci provider's schema
// (whichever registry host the document names it under).
func LoadSchema(path string) (*Schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: load schema: %w", err)
	}
	var doc schemaFile
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("tfcheck: load schema %s: %w", path, err)
	}
	for addr, p := range doc.ProviderSchemas {
		if !strings.HasSuffix(addr, "/oracle/oci") {
			continue
		}
		s := &Schema{
			Provider:    p.Provider.Block,
			Resources:   make(map[string]*Block, len(p.ResourceSchemas)),
			DataSources: make(map[string]*Block, len(p.DataSourceSchemas)),
		}
		for name, r := range p.ResourceSchemas {
			s.Resources[name] = r.Block
		}
		for name, d := range p.DataSourceSchemas {
			s.DataSources[name] = d.Block
		}
		return s, nil
	}
	return nil, fmt.Errorf("tfcheck: load schema %s: no oracle/oci provider in it", path)
}
