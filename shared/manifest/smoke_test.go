package manifest

import (
	"strings"
	"testing"
)

// A smoke request to a route that requires a permission runs as admin (who holds every permission);
// the seeded staff login need not hold it.
func TestSmokeToAPermissionRouteRunsAsAdmin(t *testing.T) {
	fn := func(as Scope) Function {
		return Function{SchemaVersion: 20180708, Runtime: "docker", Name: "ops", Memory: 128, Timeout: 30,
			Routes: []Route{{Method: "GET", Path: "/api/ops", Scope: Staff, Permission: Ops}},
			Smoke:  &Smoke{Method: "GET", Path: "/api/ops", As: as}}
	}
	if err := fn(Admin).Validate(); err != nil {
		t.Fatalf("as admin refused: %v", err)
	}
	if err := fn(Staff).Validate(); err == nil || !strings.Contains(err.Error(), "needs as: admin") {
		t.Fatalf("as staff: %v", err)
	}
	plain := fn(Staff)
	plain.Routes[0].Permission = ""
	if err := plain.Validate(); err != nil {
		t.Fatalf("a staff route without permission, as staff: %v", err)
	}
}
