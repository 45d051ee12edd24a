package manifest

import "slices"

// Permission is a staff capability a route may require on top of its scope: the token must hold the
// permission's name among its scopes. Permissions are token scopes, so one mechanism checks them
// everywhere: API Gateway's ANY_OF authorization (terraform/gateway.tf allows only the route's
// Grant), the local gateway and the functions read the same scope list. Which role holds which
// permission is package identity's one table (identity.PermissionsForRole).
type Permission string

// The permissions. A route declaring one must have scope staff.
const (
	CRMCustomersRead    Permission = "crm.customers.read"
	CRMCustomersWrite   Permission = "crm.customers.write"
	CRMOrdersRead       Permission = "crm.orders.read"
	CRMOrdersTransition Permission = "crm.orders.transition"
	CRMShipmentsWrite   Permission = "crm.shipments.write"
	CRMSupport          Permission = "crm.support"
	Marketing           Permission = "marketing"
	Analytics           Permission = "analytics"
	Ops                 Permission = "ops"
	// Administration is catalog administration and the audit and security views (admin-catalog,
	// admin-audit). Its name is the admin scope's: only the admin role holds either.
	Administration Permission = "admin"
)

// Permissions lists every permission, in a fixed order.
func Permissions() []Permission {
	return []Permission{CRMCustomersRead, CRMCustomersWrite, CRMOrdersRead, CRMOrdersTransition, CRMShipmentsWrite,
		CRMSupport, Marketing, Analytics, Ops, Administration}
}

// Valid reports whether p is one of the declared permissions.
func (p Permission) Valid() bool { return slices.Contains(Permissions(), p) }

// Grant is the scope a token must hold to call the route: its permission when it declares one,
// else its scope. It is the one value API Gateway's allowed_scope lists and the local gateway checks.
func (r Route) Grant() string {
	if r.Permission != "" {
		return string(r.Permission)
	}
	return string(r.Scope)
}
