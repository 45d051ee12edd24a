package schemaprovider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// readOnlySet returns an error for every read-only (computed, neither required nor optional) argument
// that config sets, in block and its nested blocks. OpenTofu leaves this check to the provider; the
// SDKv2 that oracle/oci is built on derives it from the schema alone and answers with this summary and
// detail, so the schema server can answer it faithfully.
func readOnlySet(schema *tfprotov5.Schema, config *tfprotov5.DynamicValue) []*tfprotov5.Diagnostic {
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
	return readOnlyInBlock(schema.Block, v, tftypes.NewAttributePath())
}

func readOnlyInBlock(b *tfprotov5.SchemaBlock, v tftypes.Value, path *tftypes.AttributePath) []*tfprotov5.Diagnostic {
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
	}
	for _, nb := range b.BlockTypes {
		bv, ok := obj[nb.TypeName]
		if !ok || bv.IsNull() || !bv.IsKnown() {
			continue
		}
		at := path.WithAttributeName(nb.TypeName)
		switch nb.Nesting {
		case tfprotov5.SchemaNestedBlockNestingModeSingle, tfprotov5.SchemaNestedBlockNestingModeGroup:
			diags = append(diags, readOnlyInBlock(nb.Block, bv, at)...)
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
				diags = append(diags, readOnlyInBlock(nb.Block, e, step)...)
			}
		case tfprotov5.SchemaNestedBlockNestingModeMap:
			var elems map[string]tftypes.Value
			if err := bv.As(&elems); err != nil {
				continue
			}
			for k, e := range elems {
				diags = append(diags, readOnlyInBlock(nb.Block, e, at.WithElementKeyString(k))...)
			}
		}
	}
	return diags
}
