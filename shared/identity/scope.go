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
// which is no grant) are dropped, and each level brings every level below it. The result is in
// level order without duplicates: ExpandScopes("admin") is [customer staff admin].
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
	return out
}

// ScopesForRole maps a users.role to its token scopes: customer accounts are customers; support,
// marketing and staff are staff; admin is admin.
func ScopesForRole(role string) []string {
	switch role {
	case "admin":
		return ExpandScopes(string(manifest.Admin))
	case "staff", "support", "marketing":
		return ExpandScopes(string(manifest.Staff))
	case "customer":
		return ExpandScopes(string(manifest.Customer))
	}
	return nil
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
