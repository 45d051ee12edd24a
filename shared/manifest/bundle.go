package manifest

import (
	"errors"
	"fmt"
	"sort"
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

// CheckRoutes fails when two routes of the bundle collide (the same method on paths of the same
// shape, see Shape), or more than one function declares itself the authorizer or the token signer.
func (b *Bundle) CheckRoutes() error {
	var errs []error
	owner := map[string]string{}
	authorizers, signers, migrators := 0, 0, 0
	for _, f := range b.Functions {
		if f.Authorizer {
			authorizers++
		}
		if f.TokenSigner {
			signers++
		}
		if f.Migrator {
			migrators++
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
	if migrators > 1 {
		errs = append(errs, fmt.Errorf("%d functions declare migrator: true; at most one may", migrators))
	}
	if signers > 1 {
		errs = append(errs, fmt.Errorf("%d functions declare token_signer: true; at most one may", signers))
	}
	return errors.Join(errs...)
}
