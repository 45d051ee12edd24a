// Package e2e runs catalog administration through the local gateway and the real function binaries:
// an admin archives a product that was sold (the storefront, carts and checkout drop it, its order
// stays), a coupon an admin creates is enforced by the next checkout, and other roles are refused
// the admin routes, the audit log and the security events. Each resource is created, read, changed
// and listed, and the audit log paged and exported as CSV, so the stack checks those answers against
// the OpenAPI document.
package e2e
