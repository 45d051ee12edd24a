package manifest

import "testing"

func TestMergeDefaults(t *testing.T) {
	d := Function{SchemaVersion: 20180708, Version: "1.2.3", Runtime: "docker", Memory: 128, Timeout: 10,
		Config: map[string]string{"A": "default", "B": "default"}}
	f := Merge(d, Function{Name: "x", Memory: 512, Config: map[string]string{"B": "own"}})
	if f.Version != "1.2.3" || f.Memory != 512 || f.Timeout != 10 || f.Runtime != "docker" {
		t.Errorf("merged = %+v", f)
	}
	if f.Config["A"] != "default" || f.Config["B"] != "own" {
		t.Errorf("config = %v, want A from defaults and B overridden", f.Config)
	}
	if d.Config["B"] != "default" {
		t.Error("Merge modified the defaults' config map")
	}
}

func TestOptionalAuthIsOnlyForPublicRoutes(t *testing.T) {
	base := Function{SchemaVersion: 20180708, Name: "x", Runtime: "docker", Memory: 128, Timeout: 10,
		Smoke: &Smoke{Method: "GET", Path: "/api/x"}}
	for _, tc := range []struct {
		name     string
		route    Route
		ok       bool
		optional bool
	}{
		{"public_route_with_optional_auth", Route{Method: "GET", Path: "/api/x", Scope: Public, Auth: OptionalAuth}, true, true},
		{"public_route_without", Route{Method: "GET", Path: "/api/x", Scope: Public}, true, false},
		{"unknown_auth_value", Route{Method: "GET", Path: "/api/x", Scope: Public, Auth: "maybe"}, false, false},
		{"optional_auth_on_a_customer_route", Route{Method: "GET", Path: "/api/x", Scope: Customer, Auth: OptionalAuth}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			f.Routes = []Route{tc.route}
			if tc.route.Scope == Customer {
				f.Smoke = &Smoke{Method: "GET", Path: "/api/x", As: Customer}
			}
			if err := f.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
			if tc.route.TokenOptional() != tc.optional {
				t.Fatalf("TokenOptional = %v, want %v", !tc.optional, tc.optional)
			}
		})
	}
}

func TestPermissionNeedsStaffScopeAndAKnownName(t *testing.T) {
	base := Function{SchemaVersion: 20180708, Name: "x", Runtime: "docker", Memory: 128, Timeout: 10,
		Smoke: &Smoke{Method: "GET", Path: "/api/x", As: Admin}} // a permission route's smoke is made as admin
	for _, tc := range []struct {
		name  string
		route Route
		ok    bool
	}{
		{"staff_route_with_a_permission", Route{Method: "GET", Path: "/api/x", Scope: Staff, Permission: CRMSupport}, true},
		{"unknown_permission", Route{Method: "GET", Path: "/api/x", Scope: Staff, Permission: "crm.everything"}, false},
		{"permission_on_a_customer_route", Route{Method: "GET", Path: "/api/x", Scope: Customer, Permission: CRMSupport}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base
			f.Routes = []Route{tc.route}
			if tc.route.Scope == Customer {
				f.Smoke = &Smoke{Method: "GET", Path: "/api/x", As: Customer}
			}
			if err := f.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok %v", err, tc.ok)
			}
		})
	}
	if (Route{Scope: Staff, Permission: CRMOrdersRead}).Grant() != "crm.orders.read" || (Route{Scope: Staff}).Grant() != "staff" {
		t.Fatal("Grant is the permission when declared, else the scope")
	}
}
