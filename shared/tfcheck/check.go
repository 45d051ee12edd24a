package tfcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Problem is one disagreement between the configuration and the provider schema.
type Problem struct {
	Range   hcl.Range
	Message string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d: %s", p.Range.Filename, p.Range.Start.Line, p.Message)
}

// Meta-arguments Terraform accepts in every resource / data block besides the schema's arguments.
var (
	resourceMetaAttrs  = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true}
	resourceMetaBlocks = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}
	dataMetaBlocks     = map[string]bool{"lifecycle": true}
	providerMetaAttrs  = map[string]bool{"alias": true}
	topLevelBlocks     = map[string]bool{
		"terraform": true, "provider": true, "variable": true, "locals": true, "output": true, "module": true,
		"resource": true, "data": true, "check": true, "moved": true, "import": true, "removed": true,
	}
	dynamicAttrs = map[string]bool{"for_each": true, "iterator": true, "labels": true}
)

// CheckDir parses every *.tf file of dir and checks it against the schema. A file that does not parse
// is an error; schema disagreements are returned as problems, sorted by position.
func (s *Schema) CheckDir(dir string) ([]Problem, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("tfcheck: check dir: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("tfcheck: check dir: no .tf files in %s", dir)
	}
	var problems []Problem
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("tfcheck: check dir: %w", err)
		}
		p, err := s.CheckFile(f, src)
		if err != nil {
			return nil, err
		}
		problems = append(problems, p...)
	}
	return problems, nil
}

// CheckFile parses one configuration file and checks every provider, resource and data block in it
// (nested and dynamic blocks included) against the schema.
func (s *Schema) CheckFile(filename string, src []byte) ([]Problem, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("tfcheck: parse %s: %w", filename, diags)
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("tfcheck: parse %s: not native HCL syntax", filename)
	}
	c := &checker{}
	for _, b := range body.Blocks {
		if !topLevelBlocks[b.Type] {
			c.add(b.TypeRange, "unknown top-level block %q", b.Type)
			continue
		}
		switch b.Type {
		case "resource", "data":
			kind, types, metaBlocks := "resource", s.Resources, resourceMetaBlocks
			if b.Type == "data" {
				kind, types, metaBlocks = "data source", s.DataSources, dataMetaBlocks
			}
			if len(b.Labels) != 2 {
				c.add(b.TypeRange, "%s block needs a type and a name", b.Type)
				continue
			}
			if b.Type == "resource" && b.Labels[0] == "terraform_data" {
				c.terraformData(b)
				continue
			}
			schema, ok := types[b.Labels[0]]
			if !ok {
				c.add(b.LabelRanges[0], "%s type %q does not exist in the oracle/oci provider", kind, b.Labels[0])
				continue
			}
			c.block(b.Labels[0], schema, b.Body, resourceMetaAttrs, metaBlocks)
		case "provider":
			if len(b.Labels) == 1 && b.Labels[0] == "oci" {
				c.block("provider oci", s.Provider, b.Body, providerMetaAttrs, nil)
			} else {
				c.add(b.TypeRange, "only the oracle/oci provider is used, not %q", b.Labels)
			}
		}
	}
	sort.Slice(c.problems, func(i, j int) bool {
		a, b := c.problems[i], c.problems[j]
		if a.Range.Start.Byte != b.Range.Start.Byte {
			return a.Range.Start.Byte < b.Range.Start.Byte
		}
		return a.Message < b.Message
	})
	return c.problems, nil
}

// terraformData checks Terraform's built-in terraform_data resource (no provider): its two arguments
// and the meta-arguments.
func (c *checker) terraformData(b *hclsyntax.Block) {
	for name, attr := range b.Body.Attributes {
		if !resourceMetaAttrs[name] && name != "input" && name != "triggers_replace" {
			c.add(attr.NameRange, "terraform_data: unsupported argument %q", name)
		}
	}
	for _, nested := range b.Body.Blocks {
		if !resourceMetaBlocks[nested.Type] {
			c.add(nested.TypeRange, "terraform_data: unsupported block %q", nested.Type)
		}
	}
}

type checker struct {
	problems []Problem
}

func (c *checker) add(rng hcl.Range, format string, args ...any) {
	c.problems = append(c.problems, Problem{Range: rng, Message: fmt.Sprintf(format, args...)})
}

// block checks body against schema. where names the block for messages; metaAttrs and metaBlocks are
// the names Terraform itself accepts at this level (only at the top of a resource).
func (c *checker) block(where string, schema *Block, body *hclsyntax.Body, metaAttrs, metaBlocks map[string]bool) {
	for name, attr := range body.Attributes {
		if metaAttrs[name] {
			continue
		}
		a, ok := schema.Attributes[name]
		switch {
		case ok && !a.Required && !a.Optional:
			c.add(attr.NameRange, "%s: argument %q is read-only (computed by the provider)", where, name)
		case ok:
		case schema.BlockTypes[name] != nil:
			c.add(attr.NameRange, "%s: %q is a block, not an argument", where, name)
		default:
			c.add(attr.NameRange, "%s: unsupported argument %q", where, name)
		}
	}
	static := map[string]int{}
	dynamic := map[string]bool{}
	for _, nested := range body.Blocks {
		if metaBlocks[nested.Type] {
			continue
		}
		name, content, rng := nested.Type, nested.Body, nested.TypeRange
		if nested.Type == "dynamic" {
			var ok bool
			if name, content, ok = c.dynamicContent(where, nested); !ok {
				continue
			}
			rng = nested.LabelRanges[0]
		}
		bt, ok := schema.BlockTypes[name]
		if !ok {
			if schema.Attributes[name] != nil {
				c.add(rng, "%s: %q is an argument, not a block", where, name)
			} else {
				c.add(rng, "%s: unsupported block %q", where, name)
			}
			continue
		}
		if nested.Type == "dynamic" {
			dynamic[name] = true
		} else {
			static[name]++
		}
		c.block(where+"."+name, bt.Block, content, nil, nil)
	}
	for name, a := range schema.Attributes {
		if _, set := body.Attributes[name]; a.Required && !set {
			c.add(body.SrcRange, "%s: missing required argument %q", where, name)
		}
	}
	for name, bt := range schema.BlockTypes {
		n, dyn := static[name], dynamic[name]
		if bt.MinItems >= 1 && n == 0 && !dyn {
			c.add(body.SrcRange, "%s: missing required block %q (at least %d)", where, name, bt.MinItems)
		}
		if bt.MaxItems >= 1 && n > bt.MaxItems {
			c.add(body.SrcRange, "%s: %d %q blocks, at most %d allowed", where, n, name, bt.MaxItems)
		}
	}
}

// dynamicContent validates a dynamic block's own arguments and returns the block type it generates
// and its content body.
func (c *checker) dynamicContent(where string, d *hclsyntax.Block) (string, *hclsyntax.Body, bool) {
	if len(d.Labels) != 1 {
		c.add(d.TypeRange, "%s: dynamic block needs exactly one label", where)
		return "", nil, false
	}
	for name, attr := range d.Body.Attributes {
		if !dynamicAttrs[name] {
			c.add(attr.NameRange, "%s: dynamic %q: unsupported argument %q", where, d.Labels[0], name)
		}
	}
	if _, ok := d.Body.Attributes["for_each"]; !ok {
		c.add(d.Body.SrcRange, "%s: dynamic %q: missing for_each", where, d.Labels[0])
	}
	var content *hclsyntax.Body
	for _, b := range d.Body.Blocks {
		if b.Type != "content" || content != nil {
			c.add(b.TypeRange, "%s: dynamic %q: only one content block is allowed", where, d.Labels[0])
			continue
		}
		content = b.Body
	}
	if content == nil {
		c.add(d.Body.SrcRange, "%s: dynamic %q: missing content block", where, d.Labels[0])
		return "", nil, false
	}
	return d.Labels[0], content, true
}
