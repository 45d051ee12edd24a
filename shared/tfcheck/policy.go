package tfcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// The locals of terraform/ the least-privilege checks read (see main.tf and iam.tf).
const (
	localFunctionNeeds   = "function_needs"         // function -> the needs it has
	localGroupSecrets    = "dynamic_group_secrets"  // need -> secrets its dynamic group may read
	localFunctionSecrets = "function_secret_config" // function -> config variable -> secret it names
	localSecretPolicies  = "secret_policy_statements"
)

// parsedDir is every .tf file of a directory, parsed.
type parsedDir struct {
	files map[string]*hclsyntax.Body
}

func parseDir(dir string) (*parsedDir, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no .tf files in %s", dir)
	}
	p := &parsedDir{files: map[string]*hclsyntax.Body{}}
	for _, f := range paths {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			return nil, diags
		}
		p.files[f] = file.Body.(*hclsyntax.Body)
	}
	return p, nil
}

// sortedFiles returns the file names in order, so problems come out in a stable order.
func (p *parsedDir) sortedFiles() []string {
	names := make([]string, 0, len(p.files))
	for f := range p.files {
		names = append(names, f)
	}
	sort.Strings(names)
	return names
}

// templates calls fn with every string template of the configuration and its literal text.
func (p *parsedDir) templates(fn func(t *hclsyntax.TemplateExpr, literal string)) {
	for _, f := range p.sortedFiles() {
		hclsyntax.VisitAll(p.files[f], func(n hclsyntax.Node) hcl.Diagnostics {
			t, ok := n.(*hclsyntax.TemplateExpr)
			if !ok {
				return nil
			}
			var b strings.Builder
			for _, part := range t.Parts {
				if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type().FriendlyName() == "string" {
					b.WriteString(lit.Val.AsString())
				}
			}
			fn(t, b.String())
			return nil
		})
	}
}

// resourcesOf returns the resource blocks whose type satisfies match.
func (p *parsedDir) resourcesOf(match func(typ string) bool) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, f := range p.sortedFiles() {
		for _, b := range p.files[f].Blocks {
			if b.Type == "resource" && len(b.Labels) == 2 && match(b.Labels[0]) {
				out = append(out, b)
			}
		}
	}
	return out
}

// localAttr returns the attribute defining local.name.
func (p *parsedDir) localAttr(name string) *hclsyntax.Attribute {
	for _, f := range p.sortedFiles() {
		for _, b := range p.files[f].Blocks {
			if b.Type == "locals" {
				if a, ok := b.Body.Attributes[name]; ok {
					return a
				}
			}
		}
	}
	return nil
}

func within(inner, outer hcl.Range) bool {
	return inner.Filename == outer.Filename && inner.Start.Byte >= outer.Start.Byte && inner.End.Byte <= outer.End.Byte
}

// traversalText renders a reference such as local.secret_ids.db_monitor_password (index steps
// included as [key]).
func traversalText(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().FriendlyName() == "string" {
				b.WriteString(fmt.Sprintf("[%q]", s.Key.AsString()))
			} else {
				b.WriteString("[*]")
			}
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// CheckSecretAccess fails when a function sits in a dynamic group that may read a secret the
// function does not use. What a function uses is the secret OCIDs its configuration carries
// (local.function_secret_config); what its groups may read is local.dynamic_group_secrets for each of
// its needs (local.function_needs). So that the comparison covers every grant, a policy statement that
// lets a dynamic group read secrets must be one of local.secret_policy_statements (generated from
// local.dynamic_group_secrets), and no dynamic group may match every function of a compartment.
func CheckSecretAccess(dir string) ([]Problem, error) {
	p, err := parseDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: secret access: %w", err)
	}
	var needs map[string][]string
	var groups map[string][]string
	var uses map[string]map[string]string
	vals, err := EvalLocals(dir, localFunctionNeeds, localGroupSecrets, localFunctionSecrets)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: secret access: %w", err)
	}
	for name, dst := range map[string]any{localFunctionNeeds: &needs, localGroupSecrets: &groups, localFunctionSecrets: &uses} {
		data, err := ctyjson.SimpleJSONValue{Value: vals[name]}.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(data, dst)
		}
		if err != nil {
			return nil, fmt.Errorf("tfcheck: secret access: local.%s: %w", name, err)
		}
	}
	c := &checker{}
	grants := p.localAttr(localGroupSecrets).SrcRange
	fnNames := make([]string, 0, len(needs))
	for f := range needs {
		fnNames = append(fnNames, f)
	}
	sort.Strings(fnNames)
	for _, f := range fnNames {
		used := map[string]bool{}
		for _, s := range uses[f] {
			used[s] = true
		}
		for _, need := range needs[f] {
			for _, s := range groups[need] {
				if !used[s] {
					c.add(grants, "function %s is in the %s dynamic group, which can read secret %s, but its configuration names no such secret", f, need, s)
				}
			}
		}
	}

	statements := p.localAttr(localSecretPolicies)
	if statements == nil {
		c.add(grants, "local.%s is not defined: secret grants must come from local.%s", localSecretPolicies, localGroupSecrets)
	} else if !slices.ContainsFunc(statements.Expr.Variables(), func(t hcl.Traversal) bool {
		return traversalText(t) == "local."+localGroupSecrets
	}) {
		c.add(statements.SrcRange, "local.%s is not generated from local.%s", localSecretPolicies, localGroupSecrets)
	}
	p.templates(func(t *hclsyntax.TemplateExpr, lit string) {
		if !strings.Contains(lit, "dynamic-group") || !(strings.Contains(lit, "secret-bundles") || strings.Contains(lit, "secret-family")) {
			return
		}
		if statements == nil || !within(t.SrcRange, statements.SrcRange) {
			c.add(t.SrcRange, "a dynamic group's right to read secrets outside local.%s escapes the check that each function reads only its own secrets", localSecretPolicies)
		}
	})
	for _, b := range p.resourcesOf(func(typ string) bool { return typ == "oci_identity_dynamic_group" }) {
		rule, ok := b.Body.Attributes["matching_rule"]
		if !ok {
			continue
		}
		if src := string(rule.SrcRange.SliceBytes(mustRead(rule.SrcRange.Filename))); strings.Contains(src, "fnfunc") && strings.Contains(src, "resource.compartment.id") {
			c.add(rule.SrcRange, "dynamic group %s matches every function of a compartment (the authorizer included): match functions by resource.id per need", b.Labels[1])
		}
	}
	return c.problems, nil
}

func mustRead(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}

// CheckCORSOwner fails when CORS is configured in more than one place: the API deployment's cors
// policy, a route's, or OCTO_CORS_ORIGINS handed to the functions (which would make them answer
// CORS too). A browser refuses a response with two Access-Control-Allow-Origin values.
func CheckCORSOwner(dir string) ([]Problem, error) {
	p, err := parseDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: cors owner: %w", err)
	}
	var places []hcl.Range
	for _, d := range p.resourcesOf(func(typ string) bool { return typ == "oci_apigateway_deployment" }) {
		hclsyntax.VisitAll(d.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			if b, ok := n.(*hclsyntax.Block); ok && (b.Type == "cors" || (b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == "cors")) {
				places = append(places, b.TypeRange)
			}
			return nil
		})
	}
	p.templates(func(t *hclsyntax.TemplateExpr, lit string) {
		if strings.Contains(lit, "OCTO_CORS_ORIGINS") {
			places = append(places, t.SrcRange)
		}
	})
	for _, f := range p.sortedFiles() {
		hclsyntax.VisitAll(p.files[f], func(n hclsyntax.Node) hcl.Diagnostics {
			if k, ok := n.(*hclsyntax.ObjectConsKeyExpr); ok {
				if t, ok := k.Wrapped.(*hclsyntax.ScopeTraversalExpr); ok && traversalText(t.Traversal) == "OCTO_CORS_ORIGINS" {
					places = append(places, k.Range())
				}
			}
			return nil
		})
	}
	c := &checker{}
	if len(places) > 1 {
		for _, r := range places {
			c.add(r, "CORS is configured in %d places (API deployment, route or functions' OCTO_CORS_ORIGINS): keep only the API deployment's", len(places))
		}
	}
	return c.problems, nil
}

// CheckServiceSecretPolicies fails when Database Management or Operations Insights is given a
// secret (password_secret_id, ssl_secret_id) that no policy statement lets the service (dpd) read:
// the service then cannot connect.
func CheckServiceSecretPolicies(dir string) ([]Problem, error) {
	p, err := parseDir(dir)
	if err != nil {
		return nil, fmt.Errorf("tfcheck: service secret policies: %w", err)
	}
	granted := map[string]bool{}
	p.templates(func(t *hclsyntax.TemplateExpr, lit string) {
		if !strings.Contains(lit, "service dpd") || !strings.Contains(lit, "secret") {
			return
		}
		for _, v := range t.Variables() {
			granted[traversalText(v)] = true
		}
	})
	c := &checker{}
	users := p.resourcesOf(func(typ string) bool {
		return strings.HasPrefix(typ, "oci_database_management_") || typ == "oci_opsi_database_insight"
	})
	for _, b := range users {
		hclsyntax.VisitAll(b.Body, func(n hclsyntax.Node) hcl.Diagnostics {
			a, ok := n.(*hclsyntax.Attribute)
			if !ok || (a.Name != "password_secret_id" && a.Name != "ssl_secret_id") {
				return nil
			}
			for _, v := range a.Expr.Variables() {
				ref := traversalText(v)
				if strings.Contains(ref, "secret") && !granted[ref] {
					c.add(a.SrcRange, "%s.%s: %s = %s, but no policy statement lets service dpd read that secret", b.Labels[0], b.Labels[1], a.Name, ref)
				}
			}
			return nil
		})
	}
	return c.problems, nil
}
