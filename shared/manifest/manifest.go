// Package manifest is the model of the function declarations: each function's func.yaml (a valid Fn
// schema_version 20180708 file with runtime docker) carries, besides the Fn keys, the function's
// routes with their auth scope, and an optional schedule. The root func.yaml holds bundle-wide
// defaults merged into every function's own file. Package funcyaml reads the files; this package
// imports no YAML parser, so function binaries, which use the declarations funcyaml compiles into
// them, do not link one.
//
// These declarations are the single source of truth: the function's router (package web), the local
// gateway, Terraform (through yamldecode), the route and OpenAPI checks and the tests all read them.
package manifest

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/shape"
)

// Scope is the access level a route requires. The authorizer's returned scopes are matched against it.
type Scope string

// The scopes, from least to most privileged. Admin implies staff (the authorizer returns both).
const (
	Public   Scope = "public"
	Customer Scope = "customer"
	Staff    Scope = "staff"
	Admin    Scope = "admin"
)

// Valid reports whether s is one of the declared scopes.
func (s Scope) Valid() bool {
	switch s {
	case Public, Customer, Staff, Admin:
		return true
	}
	return false
}

// Auth is how a public route treats a bearer token.
type Auth string

// OptionalAuth marks a public route that is signed in when the caller sends a token.
const OptionalAuth Auth = "optional"

// TokenOptional reports whether the route is public and signed in when the caller sends a token.
func (r Route) TokenOptional() bool { return r.Scope == Public && r.Auth == OptionalAuth }

// DefaultBodyLimit is the request body limit of a route that declares none.
const DefaultBodyLimit = 64 << 10

// Fn's allowed memory sizes in MB, and the maximum synchronous timeout in seconds.
var allowedMemory = map[int]bool{128: true, 256: true, 512: true, 1024: true, 2048: true, 3072: true}

const maxTimeout = 300

// Function is one function's declaration after defaults are merged.
type Function struct {
	SchemaVersion int               `yaml:"schema_version"`
	Name          string            `yaml:"name"`
	Version       string            `yaml:"version"`
	Runtime       string            `yaml:"runtime"`
	Memory        int               `yaml:"memory"`
	Timeout       int               `yaml:"timeout"`
	IdleTimeout   int               `yaml:"idle_timeout"`
	Config        map[string]string `yaml:"config"`
	Routes        []Route           `yaml:"routes"`
	Schedule      *Schedule         `yaml:"schedule"`
	// Authorizer marks the API Gateway custom authorizer function: it has no routes of its own.
	Authorizer bool `yaml:"authorizer"`
	// TokenSigner marks the function that issues access tokens: the only one a deployment gives the
	// signing key (OCTO_TOKEN_KEY_SECRET_OCID and read access to that Vault secret). The authorizer
	// verifies with the public key alone (OCTO_TOKEN_PUBLIC_KEYS) and may not be the signer.
	TokenSigner bool `yaml:"token_signer"`
	// Migrator marks the function that loads the schema inside OCI (schema-migrate): no routes and no
	// schedule, invoked by the deploy step (make deploy-migrate, oci fn function invoke) as a plain POST. A
	// deployment gives it alone the ADMIN and schema owner passwords.
	Migrator bool `yaml:"migrator"`
	// Smoke is the request that proves the function serves: one of its routes, answered 2xx from
	// the seeded database. The cold-start benchmark (make bench) times it and the end-to-end tests
	// send it through the gateway; every function with routes declares one.
	Smoke *Smoke `yaml:"smoke"`
}

// Smoke is a function's smoke request. It reads the seed, or writes only rows of its own (a new
// cart, a page view), so it can be sent any number of times.
type Smoke struct {
	Method string `yaml:"method"`
	Path   string `yaml:"path"` // a concrete path matching one of the function's routes
	// As is the scope of the seeded account the request is made as (customer, staff, admin); empty
	// for a public route; admin for a route that requires a permission.
	As Scope `yaml:"as"`
	// Body is the JSON body, if any.
	Body string `yaml:"body"`
}

// SmokeRoute returns the function's route the smoke request is sent to.
func (f Function) SmokeRoute() (Route, bool) {
	if f.Smoke == nil {
		return Route{}, false
	}
	for _, r := range f.Routes {
		if r.Matches(f.Smoke.Method, f.Smoke.Path) {
			return r, true
		}
	}
	return Route{}, false
}

// Matches reports whether a request with method and a concrete path is one of the route's.
func (r Route) Matches(method, path string) bool {
	if method != r.Method {
		return false
	}
	want, got := strings.Split(r.Path, "/"), strings.Split(path, "/")
	if len(want) != len(got) {
		return false
	}
	for i, w := range want {
		if strings.HasPrefix(w, "{") {
			if got[i] == "" {
				return false
			}
		} else if w != got[i] {
			return false
		}
	}
	return true
}

// Route is one HTTP route a function serves.
type Route struct {
	Method string `yaml:"method"`
	Path   string `yaml:"path"` // a path template, e.g. /api/products/{id}
	Scope  Scope  `yaml:"scope"`
	// Permission, on a staff route, is the finer capability the caller's token must hold (see
	// Permission and Route.Grant); empty means the scope alone decides.
	Permission Permission `yaml:"permission"`
	// BodyLimit caps the request body in bytes; zero means DefaultBodyLimit.
	BodyLimit int64 `yaml:"body_limit"`
	// Accept lists extra request media types besides application/json (e.g. text/plain for beacons).
	Accept []string `yaml:"accept"`
	// Auth, on a public route, is OptionalAuth when a caller's bearer token is honoured: the gateway
	// then authenticates a request carrying Authorization as for a protected route and forwards the
	// principal (a refused token is 401), and forwards one without as anonymous. Empty means the
	// route's scope alone decides (a public route then never sees a principal).
	Auth Auth `yaml:"auth"`
	// Rate is the route's per-client request rate limit, emulated by the local gateway (OCI API
	// Gateway has one limit per deployment); nil means none beyond that deployment limit.
	Rate *Rate `yaml:"rate"`
}

// Rate is a rate limit as OCI API Gateway declares it.
type Rate struct {
	PerSecond int    `yaml:"per_second"`
	Key       string `yaml:"key"` // CLIENT_IP (default) or TOTAL
}

// Schedule declares a recurring non-HTTP invocation (OCI Resource Scheduler).
type Schedule struct {
	Cron     string         `yaml:"cron"`
	TimeZone string         `yaml:"time_zone"`
	Body     map[string]any `yaml:"body"`
}

// Pattern returns the route as a net/http ServeMux pattern, e.g. "GET /api/products/{id}".
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// Limit returns the route's body limit, DefaultBodyLimit when undeclared.
func (r Route) Limit() int64 {
	if r.BodyLimit > 0 {
		return r.BodyLimit
	}
	return DefaultBodyLimit
}

// Merge applies the bundle defaults to f: every zero field takes the default's value, and config maps
// are merged key by key with f's keys winning.
func Merge(defaults, f Function) Function {
	out := f
	if out.SchemaVersion == 0 {
		out.SchemaVersion = defaults.SchemaVersion
	}
	if out.Version == "" {
		out.Version = defaults.Version
	}
	if out.Runtime == "" {
		out.Runtime = defaults.Runtime
	}
	if out.Memory == 0 {
		out.Memory = defaults.Memory
	}
	if out.Timeout == 0 {
		out.Timeout = defaults.Timeout
	}
	if out.IdleTimeout == 0 {
		out.IdleTimeout = defaults.IdleTimeout
	}
	cfg := make(map[string]string, len(defaults.Config)+len(f.Config))
	maps.Copy(cfg, defaults.Config)
	maps.Copy(cfg, f.Config)
	out.Config = cfg
	return out
}

var (
	methods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}
)

// Validate checks one merged declaration against Fn's schema and our route rules.
func (f Function) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.SchemaVersion != 20180708 {
		bad("schema_version must be 20180708, got %d", f.SchemaVersion)
	}
	if !shape.Name(f.Name, 63) {
		bad("name %q must be lower-case letters, digits and dashes", f.Name)
	}
	if f.Runtime != "docker" {
		bad("runtime must be docker (the go runtime cannot build a module with a sibling shared module), got %q", f.Runtime)
	}
	if !allowedMemory[f.Memory] {
		bad("memory %d MB is not one of 128, 256, 512, 1024, 2048, 3072", f.Memory)
	}
	if f.Timeout < 1 || f.Timeout > maxTimeout {
		bad("timeout %d s must be within 1..%d", f.Timeout, maxTimeout)
	}
	if f.Authorizer && len(f.Routes) > 0 {
		bad("the authorizer function declares no routes")
	}
	if f.Authorizer && f.TokenSigner {
		bad("the authorizer verifies tokens with the public key only: it may not be the token_signer")
	}
	if f.Migrator && (len(f.Routes) > 0 || f.Schedule != nil || f.Authorizer || f.TokenSigner) {
		bad("the migrator is invoked by the deploy step only: no routes, schedule, authorizer or token_signer")
	}
	if !f.Authorizer && !f.Migrator && len(f.Routes) == 0 && f.Schedule == nil {
		bad("declares neither routes nor a schedule")
	}
	seen := map[string]string{}
	for i, r := range f.Routes {
		where := fmt.Sprintf("route %d (%s)", i, r.Pattern())
		if !methods[r.Method] {
			bad("%s: method must be one of GET POST PUT PATCH DELETE", where)
		}
		if err := checkPath(r.Path); err != nil {
			bad("%s: %v", where, err)
		}
		if !r.Scope.Valid() {
			bad("%s: scope %q must be public, customer, staff or admin", where, r.Scope)
		}
		if r.Permission != "" && (!r.Permission.Valid() || r.Scope != Staff) {
			bad("%s: permission %q must be one of the declared permissions, on a route with scope staff", where, r.Permission)
		}
		if r.Auth != "" && (r.Auth != OptionalAuth || r.Scope != Public) {
			bad("%s: auth %q must be optional, on a route with scope public", where, r.Auth)
		}
		if r.BodyLimit < 0 || r.BodyLimit > 6<<20 {
			bad("%s: body_limit must be within 0..6 MiB (API Gateway's payload limit)", where)
		}
		if r.Rate != nil && (r.Rate.PerSecond < 1 || (r.Rate.Key != "" && r.Rate.Key != "CLIENT_IP" && r.Rate.Key != "TOTAL")) {
			bad("%s: rate needs per_second >= 1 and key CLIENT_IP or TOTAL", where)
		}
		key := r.Method + " " + Shape(r.Path)
		if prev, ok := seen[key]; ok {
			bad("%s collides with %s", where, prev)
		}
		seen[key] = where
	}
	switch r, ok := f.SmokeRoute(); {
	case len(f.Routes) > 0 && f.Smoke == nil:
		bad("declares no smoke request (smoke: method, path[, as, body])")
	case f.Smoke != nil && !ok:
		bad("smoke request %s %s matches none of its routes", f.Smoke.Method, f.Smoke.Path)
	case f.Smoke != nil && r.Permission != "" && f.Smoke.As != Admin:
		// the seeded staff login (support) need not hold the permission; admin holds them all
		bad("smoke request %s %s needs as: admin (the route requires permission %s)", f.Smoke.Method, f.Smoke.Path, r.Permission)
	case f.Smoke != nil && r.Scope != Public && r.Permission == "" && f.Smoke.As != r.Scope:
		bad("smoke request %s %s needs as: %s (the route's scope)", f.Smoke.Method, f.Smoke.Path, r.Scope)
	case f.Smoke != nil && r.Scope == Public && f.Smoke.As != "":
		bad("smoke request %s %s is to a public route: drop as", f.Smoke.Method, f.Smoke.Path)
	}
	if s := f.Schedule; s != nil {
		if _, _, err := s.parse(); err != nil {
			bad("%v", err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("function %s: %w", f.Name, errors.Join(errs...))
	}
	return nil
}

func checkPath(p string) error {
	if !strings.HasPrefix(p, "/api/") {
		return errors.New("path must start with /api/")
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	params := map[string]bool{}
	for _, s := range segs {
		if !shape.PathSegment(s) {
			return fmt.Errorf("bad path segment %q", s)
		}
		if strings.HasPrefix(s, "{") {
			if params[s] {
				return fmt.Errorf("parameter %s repeated", s)
			}
			params[s] = true
		}
	}
	return nil
}

// Shape returns a path template with parameter names erased (/api/products/{}), so two templates that
// match the same requests compare equal.
func Shape(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

// InvokePath is where a function with a schedule receives non-HTTP invocations (OCI Resource
// Scheduler, EventBridge). It lies outside /api/, so no gateway route can reach it.
const InvokePath = "/_invoke"
