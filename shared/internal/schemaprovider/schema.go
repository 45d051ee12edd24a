// Package schemaprovider serves a provider's published schema (the output of `tofu providers schema
// -json`) over the real Terraform plugin protocol, version 5, so that `tofu validate` can run where the
// provider binary cannot be downloaded. OpenTofu then does every check of its own against that schema:
// resource and data source types, unknown and missing arguments, read-only arguments, value types,
// nested blocks with their nesting mode and item counts, references and functions.
//
// What it does not do: the provider's own validators (SDKv2 ValidateFunc, ConflictsWith,
// ExactlyOneOf, AtLeastOneOf, RequiredWith and custom CustomizeDiff checks) live in the provider's code,
// not its schema, so the Validate RPCs answer only what the SDK derives from the schema alone: a
// read-only argument set is an error, a deprecated argument or resource type a warning. Every RPC that would plan, apply, read,
// import or configure answers an error diagnostic: this server only validates.
package schemaprovider

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
)

// Schemas is one provider's schema in the plugin protocol's form.
type Schemas struct {
	Provider    *tfprotov5.Schema
	Resources   map[string]*tfprotov5.Schema
	DataSources map[string]*tfprotov5.Schema
}

type jsonDocument struct {
	ProviderSchemas map[string]jsonProvider `json:"provider_schemas"`
}

type jsonProvider struct {
	Provider          *jsonSchema           `json:"provider"`
	ResourceSchemas   map[string]jsonSchema `json:"resource_schemas"`
	DataSourceSchemas map[string]jsonSchema `json:"data_source_schemas"`
	// Functions, ephemeral resources and list resources are not converted: a document that has any
	// is refused rather than served without them.
	Functions          json.RawMessage `json:"functions"`
	EphemeralResources json.RawMessage `json:"ephemeral_resource_schemas"`
	ListResources      json.RawMessage `json:"list_resource_schemas"`
}

type jsonSchema struct {
	Version int64      `json:"version"`
	Block   *jsonBlock `json:"block"`
}

type jsonBlock struct {
	Attributes      map[string]jsonAttribute `json:"attributes"`
	BlockTypes      map[string]jsonBlockType `json:"block_types"`
	Description     string                   `json:"description"`
	DescriptionKind string                   `json:"description_kind"`
	Deprecated      bool                     `json:"deprecated"`
}

type jsonAttribute struct {
	Type            json.RawMessage `json:"type"`
	NestedType      json.RawMessage `json:"nested_type"`
	Description     string          `json:"description"`
	DescriptionKind string          `json:"description_kind"`
	Required        bool            `json:"required"`
	Optional        bool            `json:"optional"`
	Computed        bool            `json:"computed"`
	Sensitive       bool            `json:"sensitive"`
	Deprecated      bool            `json:"deprecated"`
	WriteOnly       bool            `json:"write_only"`
}

type jsonBlockType struct {
	NestingMode string     `json:"nesting_mode"`
	Block       *jsonBlock `json:"block"`
	MinItems    int64      `json:"min_items"`
	MaxItems    int64      `json:"max_items"`
}

// LoadFile reads a `providers schema -json` document and converts the schema of the provider whose
// source address ends in source (for example "oracle/oci": the document names it under its registry
// host).
func LoadFile(path, source string) (*Schemas, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	return Parse(b, source)
}

// Parse converts the schema of the provider source (see LoadFile) in a `providers schema -json`
// document.
func Parse(doc []byte, source string) (*Schemas, error) {
	var d jsonDocument
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("provider schema: %w", err)
	}
	var found []string
	for addr := range d.ProviderSchemas {
		if addr == source || strings.HasSuffix(addr, "/"+source) {
			found = append(found, addr)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("provider schema: want one provider %s in the document, found %d", source, len(found))
	}
	p := d.ProviderSchemas[found[0]]
	for name, raw := range map[string]json.RawMessage{"functions": p.Functions,
		"ephemeral resources": p.EphemeralResources, "list resources": p.ListResources} {
		if len(raw) > 0 && string(raw) != "null" && string(raw) != "{}" {
			return nil, fmt.Errorf("provider schema: %s has %s, which this server does not serve", found[0], name)
		}
	}
	s := &Schemas{Resources: map[string]*tfprotov5.Schema{}, DataSources: map[string]*tfprotov5.Schema{}}
	var err error
	if p.Provider == nil {
		p.Provider = &jsonSchema{Block: &jsonBlock{}}
	}
	if s.Provider, err = convertSchema(*p.Provider); err != nil {
		return nil, fmt.Errorf("provider schema: provider configuration: %w", err)
	}
	for name, js := range p.ResourceSchemas {
		if s.Resources[name], err = convertSchema(js); err != nil {
			return nil, fmt.Errorf("provider schema: resource %s: %w", name, err)
		}
	}
	for name, js := range p.DataSourceSchemas {
		if s.DataSources[name], err = convertSchema(js); err != nil {
			return nil, fmt.Errorf("provider schema: data source %s: %w", name, err)
		}
	}
	return s, nil
}

func convertSchema(js jsonSchema) (*tfprotov5.Schema, error) {
	if js.Block == nil {
		return nil, fmt.Errorf("no block")
	}
	b, err := convertBlock(js.Block)
	if err != nil {
		return nil, err
	}
	b.Version = js.Version
	return &tfprotov5.Schema{Version: js.Version, Block: b}, nil
}

var nestingModes = map[string]tfprotov5.SchemaNestedBlockNestingMode{
	"single": tfprotov5.SchemaNestedBlockNestingModeSingle,
	"group":  tfprotov5.SchemaNestedBlockNestingModeGroup,
	"list":   tfprotov5.SchemaNestedBlockNestingModeList,
	"set":    tfprotov5.SchemaNestedBlockNestingModeSet,
	"map":    tfprotov5.SchemaNestedBlockNestingModeMap,
}

func convertBlock(jb *jsonBlock) (*tfprotov5.SchemaBlock, error) {
	b := &tfprotov5.SchemaBlock{
		Description:     jb.Description,
		DescriptionKind: descriptionKind(jb.DescriptionKind),
		Deprecated:      jb.Deprecated,
	}
	for _, name := range sortedKeys(jb.Attributes) {
		ja := jb.Attributes[name]
		if len(ja.NestedType) > 0 {
			// Nested attribute types exist only in protocol 6; a protocol 5 schema never has them.
			return nil, fmt.Errorf("attribute %s: nested_type is protocol 6 only", name)
		}
		if ja.Required == ja.Optional && (ja.Required || !ja.Computed) {
			return nil, fmt.Errorf("attribute %s: exactly one of required, optional and computed-only", name)
		}
		ty, err := ParseType(ja.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", name, err)
		}
		b.Attributes = append(b.Attributes, &tfprotov5.SchemaAttribute{
			Name:            name,
			Type:            ty,
			Description:     ja.Description,
			DescriptionKind: descriptionKind(ja.DescriptionKind),
			Required:        ja.Required,
			Optional:        ja.Optional,
			Computed:        ja.Computed,
			Sensitive:       ja.Sensitive,
			Deprecated:      ja.Deprecated,
			WriteOnly:       ja.WriteOnly,
		})
	}
	for _, name := range sortedKeys(jb.BlockTypes) {
		jt := jb.BlockTypes[name]
		mode, ok := nestingModes[jt.NestingMode]
		if !ok {
			return nil, fmt.Errorf("block %s: nesting mode %q", name, jt.NestingMode)
		}
		if jt.Block == nil {
			return nil, fmt.Errorf("block %s: no block", name)
		}
		nested, err := convertBlock(jt.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", name, err)
		}
		b.BlockTypes = append(b.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: name,
			Block:    nested,
			Nesting:  mode,
			MinItems: jt.MinItems,
			MaxItems: jt.MaxItems,
		})
	}
	return b, nil
}

func descriptionKind(kind string) tfprotov5.StringKind {
	if kind == "markdown" {
		return tfprotov5.StringKindMarkdown
	}
	return tfprotov5.StringKindPlain
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
