// Package funcyaml reads the bundle's declarations from the repository (the root func.yaml, every
// functions/<name>/func.yaml, go.work) into package manifest's model, and compiles each function's
// declaration into Go (see Generate) so that function binaries parse no YAML at cold start.
package funcyaml

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"gopkg.in/yaml.v3"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// Parse reads one func.yaml strictly (unknown keys are an error, so a typo cannot silently drop a
// route) and validates it. Defaults are not applied; see Merge.
func Parse(data []byte) (manifest.Function, error) {
	var f manifest.Function
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return manifest.Function{}, fmt.Errorf("funcyaml: parse: %w", err)
	}
	return f, nil
}

// Load reads root/func.yaml and every root/functions/*/func.yaml, merges and validates them, and
// checks the bundle as a whole: each function's name equals its directory, go.work uses exactly the
// function modules present, and no two routes of the bundle collide.
func Load(root string) (*manifest.Bundle, error) {
	data, err := os.ReadFile(filepath.Join(root, "func.yaml"))
	if err != nil {
		return nil, fmt.Errorf("funcyaml: bundle defaults: %w", err)
	}
	defaults, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("funcyaml: root func.yaml: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(root, "functions", "*", "func.yaml"))
	if err != nil {
		return nil, fmt.Errorf("funcyaml: list functions: %w", err)
	}
	b := &manifest.Bundle{Root: root, Defaults: defaults}
	var errs []error
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("funcyaml: %w", err)
		}
		f, err := Parse(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		f = manifest.Merge(defaults, f)
		if dir := filepath.Base(filepath.Dir(file)); f.Name != dir {
			errs = append(errs, fmt.Errorf("%s: name %q differs from its directory %q", file, f.Name, dir))
		}
		if err := f.Validate(); err != nil {
			errs = append(errs, err)
		}
		b.Functions = append(b.Functions, f)
	}
	sort.Slice(b.Functions, func(i, j int) bool { return b.Functions[i].Name < b.Functions[j].Name })
	errs = append(errs, b.CheckRoutes(), checkWorkspace(b))
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("funcyaml: %w", err)
	}
	return b, nil
}

// checkWorkspace compares go.work's use directives under functions/ with the function directories.
func checkWorkspace(b *manifest.Bundle) error {
	data, err := os.ReadFile(filepath.Join(b.Root, "go.work"))
	if err != nil {
		return fmt.Errorf("go.work: %w", err)
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return fmt.Errorf("go.work: %w", err)
	}
	var used []string
	for _, u := range wf.Use {
		p := filepath.ToSlash(filepath.Clean(u.Path))
		if rest, ok := strings.CutPrefix(p, "functions/"); ok {
			used = append(used, rest)
		}
	}
	sort.Strings(used)
	if have := b.Names(); !slices.Equal(used, have) {
		return fmt.Errorf("go.work uses functions %v but functions/ declares %v", used, have)
	}
	return nil
}

// GeneratedFile and GeneratedTestFile are the files Generate writes into each function's directory.
const (
	GeneratedFile     = "declaration_gen.go"
	GeneratedTestFile = "declaration_gen_test.go"
)

// Generate compiles every function's own func.yaml (without the root defaults, as the function's
// router reads it) into Go in functions/<name>/declaration_gen.go, a package-level value
// `declared`, and writes declaration_gen_test.go beside it, a test that the value equals what Parse
// reads from func.yaml. It loads and validates the whole bundle first. It returns the files it
// changed.
//
// Why generated: a function's router needs its routes at cold start, and parsing func.yaml there
// cost 0.2-0.35 ms of YAML decoding plus the YAML package's own start-up in every function binary;
// a compiled value costs nothing. The YAML file stays the one source: make build regenerates, and
// TestGeneratedDeclarationsAreCurrent fails when a committed file differs from what Generate writes.
func Generate(root string) ([]string, error) {
	files, err := generated(root)
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, f := range files {
		old, err := os.ReadFile(f.path)
		if err == nil && bytes.Equal(old, f.src) {
			continue
		}
		if err := os.WriteFile(f.path, f.src, 0o644); err != nil {
			return changed, fmt.Errorf("funcyaml: %w", err)
		}
		changed = append(changed, f.path)
	}
	return changed, nil
}

// Stale returns the generated files that differ from what Generate would write (missing ones
// included).
func Stale(root string) ([]string, error) {
	files, err := generated(root)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, f := range files {
		if old, err := os.ReadFile(f.path); err != nil || !bytes.Equal(old, f.src) {
			stale = append(stale, f.path)
		}
	}
	return stale, nil
}

type genFile struct {
	path string
	src  []byte
}

func generated(root string) ([]genFile, error) {
	if _, err := Load(root); err != nil {
		return nil, err
	}
	yamls, err := filepath.Glob(filepath.Join(root, "functions", "*", "func.yaml"))
	if err != nil {
		return nil, fmt.Errorf("funcyaml: %w", err)
	}
	var out []genFile
	for _, y := range yamls {
		dir := filepath.Dir(y)
		data, err := os.ReadFile(y)
		if err != nil {
			return nil, fmt.Errorf("funcyaml: %w", err)
		}
		f, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", y, err)
		}
		pkg, err := packageName(dir)
		if err != nil {
			return nil, err
		}
		src, err := GoSource(pkg, f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", y, err)
		}
		test, err := format.Source([]byte(fmt.Sprintf(testTemplate, pkg)))
		if err != nil {
			return nil, fmt.Errorf("funcyaml: %w", err)
		}
		out = append(out, genFile{filepath.Join(dir, GeneratedFile), src}, genFile{filepath.Join(dir, GeneratedTestFile), test})
	}
	return out, nil
}

// packageName reads the package clause of the function's own (non-test, non-generated) Go files.
func packageName(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", fmt.Errorf("funcyaml: %w", err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") || filepath.Base(file) == GeneratedFile {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
		if err != nil {
			return "", fmt.Errorf("funcyaml: %w", err)
		}
		return f.Name.Name, nil
	}
	return "", fmt.Errorf("funcyaml: %s holds no Go package", dir)
}

const header = "// Code generated by octo generate from func.yaml; DO NOT EDIT.\n\n"

const testTemplate = header + `package %s

import (
	"testing"

	"github.com/octo-drone-shop/serverless/shared/funcyaml"
)

// The compiled declaration is func.yaml as package funcyaml reads it (run make generate when not).
func TestDeclarationIsFuncYAML(t *testing.T) {
	if err := funcyaml.CheckCompiled("func.yaml", declared); err != nil {
		t.Fatal(err)
	}
}
`

// CheckCompiled fails when compiled, a function's generated declaration, differs from what Parse
// reads from the func.yaml file at path. Each function's generated test calls it.
func CheckCompiled(path string, compiled manifest.Function) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("funcyaml: %w", err)
	}
	want, err := Parse(data)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(compiled, want) {
		return fmt.Errorf("funcyaml: the compiled declaration %+v differs from %s, %+v: run make generate", compiled, path, want)
	}
	return nil
}

// GoSource returns the Go file declaring `var declared = manifest.Function{...}` in package pkg.
func GoSource(pkg string, f manifest.Function) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	fmt.Fprintf(&b, "package %s\n\nimport \"github.com/octo-drone-shop/serverless/shared/manifest\"\n\n", pkg)
	b.WriteString("// declared is this function's func.yaml, compiled in so that a cold start parses no YAML\n")
	b.WriteString("// (see package funcyaml). make build regenerates it.\n")
	b.WriteString("var declared = manifest.Function{\n")
	v := reflect.ValueOf(f)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			continue
		}
		fmt.Fprintf(&b, "%s: ", v.Type().Field(i).Name)
		if err := literal(&b, v.Field(i), false); err != nil {
			return nil, err
		}
		b.WriteString(",\n")
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("funcyaml: format generated source: %w", err)
	}
	return src, nil
}

// literal writes v as a Go expression; elide drops a struct's type name (inside a slice or map of
// that type). It covers the types a declaration holds: structs, pointers, slices, maps, strings,
// integers, booleans, and the values YAML decodes into `any` (string, int, float64, bool, nil, maps
// and lists of them).
func literal(b *bytes.Buffer, v reflect.Value, elide bool) error {
	switch v.Kind() {
	case reflect.Pointer:
		b.WriteString("&")
		return literal(b, v.Elem(), false)
	case reflect.Struct:
		if !elide {
			b.WriteString(typeName(v.Type()))
		}
		b.WriteString("{")
		sep := ""
		for i := range v.NumField() {
			if v.Field(i).IsZero() {
				continue
			}
			fmt.Fprintf(b, "%s%s: ", sep, v.Type().Field(i).Name)
			if err := literal(b, v.Field(i), false); err != nil {
				return err
			}
			sep = ", "
		}
		b.WriteString("}")
	case reflect.Slice:
		b.WriteString(typeName(v.Type()) + "{\n")
		for i := range v.Len() {
			if err := literal(b, v.Index(i), v.Type().Elem().Kind() == reflect.Struct); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Map:
		b.WriteString(typeName(v.Type()) + "{\n")
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			if err := literal(b, k, false); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := literal(b, v.MapIndex(k), false); err != nil {
				return err
			}
			b.WriteString(",\n")
		}
		b.WriteString("}")
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		e := v.Elem()
		switch e.Kind() {
		case reflect.Float64:
			// An untyped constant without a point would become an int inside an interface.
			fmt.Fprintf(b, "float64(%s)", strconv.FormatFloat(e.Float(), 'g', -1, 64))
			return nil
		case reflect.Int:
			b.WriteString(strconv.FormatInt(e.Int(), 10))
			return nil
		case reflect.String, reflect.Bool, reflect.Map, reflect.Slice:
			return literal(b, e, false)
		}
		return fmt.Errorf("funcyaml: cannot compile a %s value", e.Type())
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	default:
		return fmt.Errorf("funcyaml: cannot compile a %s value", v.Type())
	}
	return nil
}

// typeName is t as Go source names it in a file that imports package manifest.
func typeName(t reflect.Type) string { return strings.ReplaceAll(t.String(), "interface {}", "any") }
