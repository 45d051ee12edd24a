package tfcheck

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// EvalLocals evaluates the named locals of the configuration in dir, and the locals they depend on,
// the way Terraform does: real HCL evaluation with path.module set to dir and Terraform's functions
// (see Functions). Locals that depend on variables, resources or data sources are unknown offline;
// asking for one is an error. The result maps each requested name to its value.
func EvalLocals(dir string, names ...string) (map[string]cty.Value, error) {
	exprs, err := parseLocals(dir)
	if err != nil {
		return nil, err
	}
	e := &evaluator{
		exprs:  exprs,
		values: map[string]cty.Value{},
		active: map[string]bool{},
		module: dir,
	}
	out := make(map[string]cty.Value, len(names))
	for _, name := range names {
		v, err := e.eval(name)
		if err != nil {
			return nil, fmt.Errorf("tfcheck: eval local.%s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// Functions returns the Terraform functions the offline evaluation supports, with Terraform's own
// implementations where Terraform takes them from go-cty, hcl and go-cty-yaml. file and fileset are
// reimplemented: fileset supports filepath.Match patterns (no "**"), which is all the locals use.
func Functions() map[string]function.Function {
	return map[string]function.Function{
		"can":        tryfunc.CanFunc,
		"coalesce":   stdlib.CoalesceFunc,
		"concat":     stdlib.ConcatFunc,
		"contains":   stdlib.ContainsFunc,
		"dirname":    dirnameFunc(),
		"distinct":   stdlib.DistinctFunc,
		"file":       fileFunc(),
		"fileset":    filesetFunc(),
		"flatten":    stdlib.FlattenFunc,
		"jsonencode": stdlib.JSONEncodeFunc,
		"keys":       stdlib.KeysFunc,
		"length":     lengthFunc(),
		"lookup":     stdlib.LookupFunc,
		"lower":      stdlib.LowerFunc,
		"merge":      stdlib.MergeFunc,
		"split":      stdlib.SplitFunc,
		"try":        tryfunc.TryFunc,
		"upper":      stdlib.UpperFunc,
		"values":     stdlib.ValuesFunc,
		"yamldecode": ctyyaml.YAMLDecodeFunc,
	}
}

func parseLocals(dir string) (map[string]hclsyntax.Expression, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("tfcheck: locals: %w", err)
	}
	exprs := map[string]hclsyntax.Expression{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("tfcheck: locals: %w", err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("tfcheck: locals: %w", diags)
		}
		for _, b := range file.Body.(*hclsyntax.Body).Blocks {
			if b.Type != "locals" {
				continue
			}
			for name, attr := range b.Body.Attributes {
				if _, dup := exprs[name]; dup {
					return nil, fmt.Errorf("tfcheck: locals: local.%s defined twice", name)
				}
				exprs[name] = attr.Expr
			}
		}
	}
	return exprs, nil
}

type evaluator struct {
	exprs  map[string]hclsyntax.Expression
	values map[string]cty.Value
	active map[string]bool // locals being evaluated, to report cycles
	module string
}

func (e *evaluator) eval(name string) (cty.Value, error) {
	if v, ok := e.values[name]; ok {
		return v, nil
	}
	expr, ok := e.exprs[name]
	if !ok {
		return cty.NilVal, fmt.Errorf("local.%s is not defined", name)
	}
	if e.active[name] {
		return cty.NilVal, fmt.Errorf("local.%s depends on itself", name)
	}
	e.active[name] = true
	defer delete(e.active, name)

	for _, t := range expr.Variables() {
		switch root := t.RootName(); root {
		case "path":
		case "local":
			dep, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				return cty.NilVal, fmt.Errorf("local.%s: malformed reference to a local", name)
			}
			if _, err := e.eval(dep.Name); err != nil {
				return cty.NilVal, err
			}
		default:
			return cty.NilVal, fmt.Errorf("local.%s refers to %s.*, which is unknown offline", name, root)
		}
	}
	locals := make(map[string]cty.Value, len(e.values))
	for k, v := range e.values {
		locals[k] = v
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"local": cty.ObjectVal(locals),
			"path":  cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(e.module)}),
		},
		Functions: Functions(),
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	e.values[name] = v
	return v, nil
}

func fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, err := os.ReadFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, fmt.Errorf("file: %w", err)
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

func filesetFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			base := args[0].AsString()
			matches, err := globStar(base, args[1].AsString())
			if err != nil {
				return cty.NilVal, fmt.Errorf("fileset: %w", err)
			}
			sort.Strings(matches)
			var out []cty.Value
			for _, m := range matches {
				if st, err := os.Stat(m); err != nil || !st.Mode().IsRegular() {
					continue
				}
				rel, err := filepath.Rel(base, m)
				if err != nil {
					return cty.NilVal, fmt.Errorf("fileset: %w", err)
				}
				out = append(out, cty.StringVal(filepath.ToSlash(rel)))
			}
			if len(out) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			return cty.SetVal(out), nil
		},
	})
}

// globStar is filepath.Glob with Terraform's "**" segment (any number of directories, none
// included) for fileset's patterns.
func globStar(base, pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		return filepath.Glob(filepath.Join(base, pattern))
	}
	want := strings.Split(pattern, "/")
	var out []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return err
		}
		ok, err := matchSegments(want, strings.Split(filepath.ToSlash(rel), "/"))
		if ok {
			out = append(out, p)
		}
		return err
	})
	return out, err
}

// matchSegments matches a path's segments against a pattern's, "**" taking zero or more of them.
func matchSegments(pat, name []string) (bool, error) {
	if len(pat) == 0 {
		return len(name) == 0, nil
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if ok, err := matchSegments(pat[1:], name[i:]); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}
	if len(name) == 0 {
		return false, nil
	}
	ok, err := path.Match(pat[0], name[0])
	if !ok || err != nil {
		return false, err
	}
	return matchSegments(pat[1:], name[1:])
}

// lengthFunc is Terraform's length: the characters of a string (grapheme clusters, as strlen), the
// elements of a collection or structural value.
func lengthFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true}},
		Type:   function.StaticReturnType(cty.Number),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if args[0].Type() == cty.String {
				return stdlib.Strlen(args[0])
			}
			return stdlib.Length(args[0])
		},
	})
}

func dirnameFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			if p == "" {
				return cty.NilVal, errors.New("dirname: empty path")
			}
			return cty.StringVal(filepath.Dir(p)), nil
		},
	})
}
