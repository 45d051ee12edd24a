package tfcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// CheckReferences checks what `tofu validate` would check about references, without the provider:
// every var.X is a declared variable, every local.X a defined local, every resource and data source
// referenced is declared in dir, and an attribute read from one exists in its schema.
func (s *Schema) CheckReferences(dir string) ([]Problem, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("tfcheck: check references: %w", err)
	}
	var bodies []*hclsyntax.Body
	declared := map[string]bool{} // "var.x", "local.x", "oci_t.n", "data.oci_t.n"
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("tfcheck: check references: %w", err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("tfcheck: check references: %w", diags)
		}
		body := file.Body.(*hclsyntax.Body)
		bodies = append(bodies, body)
		for _, b := range body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				declared["var."+b.Labels[0]] = true
			case b.Type == "locals":
				for name := range b.Body.Attributes {
					declared["local."+name] = true
				}
			case b.Type == "resource" && len(b.Labels) == 2:
				declared[b.Labels[0]+"."+b.Labels[1]] = true
			case b.Type == "data" && len(b.Labels) == 2:
				declared["data."+b.Labels[0]+"."+b.Labels[1]] = true
			}
		}
	}
	c := &checker{}
	for _, body := range bodies {
		hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
			if attr, ok := n.(*hclsyntax.Attribute); ok {
				for _, t := range attr.Expr.Variables() {
					s.checkTraversal(c, declared, t)
				}
			}
			return nil
		})
	}
	sort.Slice(c.problems, func(i, j int) bool { return c.problems[i].String() < c.problems[j].String() })
	return c.problems, nil
}

func (s *Schema) checkTraversal(c *checker, declared map[string]bool, t hcl.Traversal) {
	names := attrNames(t)
	root := t.RootName()
	switch {
	case root == "var" || root == "local":
		if len(names) < 2 || !declared[root+"."+names[1]] {
			c.add(t.SourceRange(), "reference to undeclared %s", strings.Join(names[:min(2, len(names))], "."))
		}
	case root == "data":
		if len(names) < 3 || !declared["data."+names[1]+"."+names[2]] {
			c.add(t.SourceRange(), "reference to undeclared data source %s", strings.Join(names, "."))
			return
		}
		s.checkAttr(c, t, s.DataSources[names[1]], names[1], names[3:])
	case strings.HasPrefix(root, "oci_"):
		if len(names) < 2 || !declared[root+"."+names[1]] {
			c.add(t.SourceRange(), "reference to undeclared resource %s", strings.Join(names[:min(2, len(names))], "."))
			return
		}
		s.checkAttr(c, t, s.Resources[root], root, names[2:])
	}
}

// checkAttr checks the first attribute read from a resource or data source instance.
func (s *Schema) checkAttr(c *checker, t hcl.Traversal, b *Block, typ string, rest []string) {
	if b == nil || len(rest) == 0 {
		return
	}
	name := rest[0]
	if _, ok := b.Attributes[name]; ok {
		return
	}
	if _, ok := b.BlockTypes[name]; ok {
		return
	}
	c.add(t.SourceRange(), "%s has no attribute %q", typ, name)
}

// attrNames returns the traversal's root and attribute names, skipping index steps.
func attrNames(t hcl.Traversal) []string {
	var out []string
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		}
	}
	return out
}
