package identity

import (
	"slices"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

// rolePermissions is the one table of which staff role holds which permission (users.role ->
// manifest.Permission). A staff token carries its role's permissions as scopes, issued by the auth
// function at login and refresh and passed on by the authorizer; routes declare the permission they
// need (func.yaml permission:). The legacy role "staff" (other applications' generic staff account)
// holds the staff scope and no permission.
var rolePermissions = map[string][]manifest.Permission{
	"admin": manifest.Permissions(),
	"support": {manifest.CRMSupport, manifest.CRMCustomersRead, manifest.CRMCustomersWrite, manifest.CRMOrdersRead,
		manifest.CRMShipmentsWrite},
	"fulfillment": {manifest.CRMOrdersRead, manifest.CRMOrdersTransition, manifest.CRMShipmentsWrite},
	"marketing":   {manifest.Marketing, manifest.Analytics, manifest.CRMCustomersRead},
}

// StaffRoles lists the roles with permissions, in a fixed order.
func StaffRoles() []string { return []string{"admin", "support", "fulfillment", "marketing"} }

// PermissionsForRole returns the permissions a users.role holds (none for a customer or an unknown
// role), in manifest.Permissions order.
func PermissionsForRole(role string) []manifest.Permission {
	held := rolePermissions[role]
	out := make([]manifest.Permission, 0, len(held))
	for _, p := range manifest.Permissions() {
		if slices.Contains(held, p) {
			out = append(out, p)
		}
	}
	return out
}

// RoleHolds reports whether a role holds a permission.
func RoleHolds(role string, p manifest.Permission) bool {
	return slices.Contains(rolePermissions[role], p)
}

// HasPermission reports whether the principal holds the permission.
func (p Principal) HasPermission(perm manifest.Permission) bool {
	return slices.Contains(p.Scopes, string(perm))
}
