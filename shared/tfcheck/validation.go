package tfcheck

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// CheckVariable evaluates the validation blocks of variable name in the configuration in dir for
// value, as Terraform does on plan: the value is converted to the variable's type (optional
// attributes get their defaults), then every condition is evaluated with var.<name> bound to it. It
// returns the error messages of the conditions that fail; none means the value is accepted. Only
// conditions that refer to the variable alone can be evaluated offline.
func CheckVariable(dir, name string, value cty.Value) ([]string, error) {
	p, err := parseDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: variable %s: %w", name, err)
	}
	var block *hclsyntax.Block
	for _, f := range p.sortedFiles() {
		for _, b := range p.files[f].Blocks {
			if b.Type == "variable" && len(b.Labels) == 1 && b.Labels[0] == name {
				block = b
			}
		}
	}
	if block == nil {
		return nil, fmt.Errorf("tfcheck: variable %s is not declared", name)
	}
	if t, ok := block.Body.Attributes["type"]; ok && !value.IsNull() {
		ty, defaults, diags := typeexpr.TypeConstraintWithDefaults(t.Expr)
		if diags.HasErrors() {
			return nil, fmt.Errorf("tfcheck: variable %s: type: %w", name, diags)
		}
		if defaults != nil {
			value = defaults.Apply(value)
		}
		if value, err = convert.Convert(value, ty); err != nil {
			return nil, fmt.Errorf("tfcheck: variable %s: value does not fit its type: %w", name, err)
		}
	}
	funcs := Functions()
	funcs["regex"] = stdlib.RegexFunc
	funcs["alltrue"] = allTrueFunc()
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{name: value})},
		Functions: funcs,
	}
	var failed []string
	for _, v := range block.Body.Blocks {
		if v.Type != "validation" {
			continue
		}
		cond, diags := v.Body.Attributes["condition"].Expr.Value(ctx)
		if diags.HasErrors() {
			return nil, fmt.Errorf("tfcheck: variable %s: condition: %w", name, diags)
		}
		if cond.IsNull() || !cond.IsKnown() || cond.False() {
			msg, diags := v.Body.Attributes["error_message"].Expr.Value(ctx)
			if diags.HasErrors() {
				return nil, fmt.Errorf("tfcheck: variable %s: error_message: %w", name, diags)
			}
			failed = append(failed, msg.AsString())
		}
	}
	return failed, nil
}

// allTrueFunc is Terraform's alltrue: true when every element of a list of bools is true (and for an
// empty list).
func allTrueFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				if v.IsNull() || !v.IsKnown() || v.False() {
					return cty.False, nil
				}
			}
			return cty.True, nil
		},
	})
}
