package schemaprovider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// schemaChecks returns what the SDKv2 that oracle/oci is built on derives from the schema alone and
// OpenTofu leaves to the provider, with the SDK's summaries: an error for every read-only (computed,
// neither required nor optional) argument that config sets, a warning for every deprecated argument it
// sets, in the block and its nested blocks, and a warning when the resource type itself is deprecated.
// (The published schema says only that something is deprecated, not the provider's message.)
func schemaChecks(schema *tfprotov5.Schema, config *tfprotov5.DynamicValue) []*tfprotov5.Diagnostic {
	if schema == nil || config == nil {
		return nil
	}
	v, err := config.Unmarshal(schema.ValueType())
	if err != nil {
		return []*tfprotov5.Diagnostic{{
			Severity: tfprotov5.DiagnosticSeverityError,
			Summary:  "Configuration does not match the schema",
			Detail:   err.Error(),
		}}
	}
	var diags []*tfprotov5.Diagnostic
	if schema.Block.Deprecated {
		diags = append(diags, &tfprotov5.Diagnostic{Severity: tfprotov5.DiagnosticSeverityWarning,
			Summary: "Deprecated Resource", Detail: "The provider schema marks this type deprecated."})
	}
	return append(diags, checkBlock(schema.Block, v, tftypes.NewAttributePath())...)
}

func checkBlock(b *tfprotov5.SchemaBlock, v tftypes.Value, path *tftypes.AttributePath) []*tfprotov5.Diagnostic {
	if b == nil || v.IsNull() || !v.IsKnown() {
		return nil
	}
	var obj map[string]tftypes.Value
	if err := v.As(&obj); err != nil {
		return []*tfprotov5.Diagnostic{{Severity: tfprotov5.DiagnosticSeverityError,
			Summary: "Configuration does not match the schema", Detail: err.Error(), Attribute: path}}
	}
	var diags []*tfprotov5.Diagnostic
	for _, a := range b.Attributes {
		if a.Computed && !a.Optional && !a.Required && !obj[a.Name].IsNull() {
			diags = append(diags, &tfprotov5.Diagnostic{
				Severity: tfprotov5.DiagnosticSeverityError,
				Summary:  "Value for unconfigurable attribute",
				Detail: fmt.Sprintf("Can't configure a value for %q: its value will be decided automatically "+
					"based on the result of applying this configuration.", a.Name),
				Attribute: path.WithAttributeName(a.Name),
			})
		}
		if a.Deprecated && !obj[a.Name].IsNull() {
			diags = append(diags, &tfprotov5.Diagnostic{
				Severity:  tfprotov5.DiagnosticSeverityWarning,
				Summary:   "Argument is deprecated",
				Detail:    fmt.Sprintf("The provider schema marks %q deprecated.", a.Name),
				Attribute: path.WithAttributeName(a.Name),
			})
		}
	}
	for _, nb := range b.BlockTypes {
		bv, ok := obj[nb.TypeName]
		if !ok || bv.IsNull() || !bv.IsKnown() {
			continue
		}
		at := path.WithAttributeName(nb.TypeName)
		switch nb.Nesting {
		case tfprotov5.SchemaNestedBlockNestingModeSingle, tfprotov5.SchemaNestedBlockNestingModeGroup:
			diags = append(diags, checkBlock(nb.Block, bv, at)...)
		case tfprotov5.SchemaNestedBlockNestingModeList, tfprotov5.SchemaNestedBlockNestingModeSet:
			var elems []tftypes.Value
			if err := bv.As(&elems); err != nil {
				continue
			}
			for i, e := range elems {
				step := at.WithElementKeyInt(i)
				if nb.Nesting == tfprotov5.SchemaNestedBlockNestingModeSet {
					step = at.WithElementKeyValue(e)
				}
				diags = append(diags, checkBlock(nb.Block, e, step)...)
			}
		case tfprotov5.SchemaNestedBlockNestingModeMap:
			var elems map[string]tftypes.Value
			if err := bv.As(&elems); err != nil {
				continue
			}
			for k, e := range elems {
				diags = append(diags, checkBlock(nb.Block, e, at.WithElementKeyString(k))...)
			}
		}
	}
	return diags
}
