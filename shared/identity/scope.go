package identity

import (
	"slices"
	"strings"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// levels are the token scopes from least to most privileged; a token holding one holds every
// earlier one too.
var levels = []manifest.Scope{manifest.Customer, manifest.Staff, manifest.Admin}

// ExpandScopes returns the token scopes granted by the given names: unknown names (and "public",
// which is no grant) are dropped, and each level brings every level below it. Permissions
// (manifest.Permissions) are kept, after the levels and in their fixed order, only when the names
// reach the staff level: a permission is a staff capability, so a customer token naming one gets
// none. The result has no duplicates: ExpandScopes("admin") is [customer staff admin].
func ExpandScopes(names ...string) []string {
	top := -1
	for _, n := range names {
		if i := slices.Index(levels, manifest.Scope(n)); i > top {
			top = i
		}
	}
	out := make([]string, 0, top+1)
	for _, s := range levels[:top+1] {
		out = append(out, string(s))
	}
	if top >= slices.Index(levels, manifest.Staff) {
		for _, p := range manifest.Permissions() {
			if slices.Contains(names, string(p)) && !slices.Contains(out, string(p)) {
				out = append(out, string(p))
			}
		}
	}
	return out
}

// ScopesForRole maps a users.role to its token scopes: customer accounts are customers; support,
// fulfillment, marketing and staff are staff; admin is admin; each staff role adds its permissions
// (PermissionsForRole).
func ScopesForRole(role string) []string {
	var level manifest.Scope
	switch role {
	case "admin":
		level = manifest.Admin
	case "staff", "support", "fulfillment", "marketing":
		level = manifest.Staff
	case "customer":
		level = manifest.Customer
	default:
		return nil
	}
	names := []string{string(level)}
	for _, p := range PermissionsForRole(role) {
		names = append(names, string(p))
	}
	return ExpandScopes(names...)
}

// parseScopeClaim reads a scope claim: a space-separated string (RFC 8693, OCI IAM) or an array of
// strings ("scp" style). prefix, when set, is removed from each value first (an Identity Domain
// may qualify custom scopes with the resource's audience).
func parseScopeClaim(v any, prefix string) []string {
	var raw []string
	switch s := v.(type) {
	case string:
		raw = strings.Fields(s)
	case []any:
		for _, e := range s {
			if str, ok := e.(string); ok {
				raw = append(raw, str)
			}
		}
	}
	if prefix != "" {
		for i, r := range raw {
			raw[i] = strings.TrimPrefix(r, prefix)
		}
	}
	return raw
}
