package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// Bundle is every function of the repository, declarations merged with the root defaults.
type Bundle struct {
	Root      string     // repository root
	Defaults  Function   // the root func.yaml
	Functions []Function // sorted by name
}

// BoundRoute is a route together with the function that serves it.
type BoundRoute struct {
	Route
	Function string
}

// Load reads root/func.yaml and every root/functions/*/func.yaml, merges and validates them, and
// checks the bundle as a whole: each function's name equals its directory, go.work uses exactly the
// function modules present, and no two routes of the bundle collide.
func Load(root string) (*Bundle, error) {
	data, err := os.ReadFile(filepath.Join(root, "func.yaml"))
	if err != nil {
		return nil, fmt.Errorf("manifest: bundle defaults: %w", err)
	}
	defaults, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("manifest: root func.yaml: %w", err)
	}
	files, err := filepath.Glob(filepath.Join(root, "functions", "*", "func.yaml"))
	if err != nil {
		return nil, fmt.Errorf("manifest: list functions: %w", err)
	}
	b := &Bundle{Root: root, Defaults: defaults}
	var errs []error
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		f, err := Parse(data)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		f = Merge(defaults, f)
		if dir := filepath.Base(filepath.Dir(file)); f.Name != dir {
			errs = append(errs, fmt.Errorf("%s: name %q differs from its directory %q", file, f.Name, dir))
		}
		if err := f.Validate(); err != nil {
			errs = append(errs, err)
		}
		b.Functions = append(b.Functions, f)
	}
	sort.Slice(b.Functions, func(i, j int) bool { return b.Functions[i].Name < b.Functions[j].Name })
	errs = append(errs, b.checkRoutes(), b.checkWorkspace())
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return b, nil
}

// Function returns the named function's declaration.
func (b *Bundle) Function(name string) (Function, bool) {
	for _, f := range b.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// Names returns the function names, sorted.
func (b *Bundle) Names() []string {
	names := make([]string, len(b.Functions))
	for i, f := range b.Functions {
		names[i] = f.Name
	}
	return names
}

// Routes returns every route of the bundle sorted by path then method.
func (b *Bundle) Routes() []BoundRoute {
	var out []BoundRoute
	for _, f := range b.Functions {
		for _, r := range f.Routes {
			out = append(out, BoundRoute{Route: r, Function: f.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// Authorizer returns the authorizer function's name, or "" when the bundle has none yet.
func (b *Bundle) Authorizer() string {
	for _, f := range b.Functions {
		if f.Authorizer {
			return f.Name
		}
	}
	return ""
}

func (b *Bundle) checkRoutes() error {
	var errs []error
	owner := map[string]string{}
	authorizers := 0
	for _, f := range b.Functions {
		if f.Authorizer {
			authorizers++
		}
		for _, r := range f.Routes {
			key := r.Method + " " + Shape(r.Path)
			if prev, ok := owner[key]; ok && prev != f.Name {
				errs = append(errs, fmt.Errorf("route %s of %s collides with a route of %s", r.Pattern(), f.Name, prev))
			}
			owner[key] = f.Name
		}
	}
	if authorizers > 1 {
		errs = append(errs, fmt.Errorf("%d functions declare authorizer: true; at most one may", authorizers))
	}
	return errors.Join(errs...)
}

// checkWorkspace compares go.work's use directives under functions/ with the function directories.
func (b *Bundle) checkWorkspace() error {
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
