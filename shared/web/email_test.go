package web

import (
	"strings"
	"testing"
)

func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		email string
		valid bool
	}{
		{"ops@gridline-power.example", true},
		{"Priya.Natarajan+drones@Metro-Inspect.co.uk", true},
		{"o'brien@example.com", true},
		{"user@xn--bcher-kva.xn--tckwe", true},
		{"pat@localhost", false}, // registration once took it while checkout refused it
		{`"pat shopper"@example.com`, false},
		{"pat\u202e@example.com", false},
		{"pat\u200b@example.com", false},
		{"", false},
		{"plainaddress", false},
		{"@example.com", false},
		{"user@", false},
		{"user@localhost", false},
		{"user@example", false},
		{"user@example.c", false},
		{"user@example.123", false},
		{"user@[192.0.2.1]", false},
		{"user@-example.com", false},
		{"user@example-.com", false},
		{"user@exa_mple.com", false},
		{"user@example..com", false},
		{"Jordan Blake <jordan@example.com>", false},
		{"<jordan@example.com>", false},
		{" jordan@example.com", false},
		{"jordan@example.com ", false},
		{"jordan@example.com (work)", false},
		{"a@b@example.com", false},
		{strings.Repeat("a", 65) + "@example.com", false},
	} {
		name := "valid"
		if !tc.valid {
			name = "invalid"
		}
		t.Run(name+"_"+tc.email, func(t *testing.T) {
			if got := ValidEmail(tc.email); got != tc.valid {
				t.Fatalf("ValidEmail(%q) = %t", tc.email, got)
			}
		})
	}
	long := "x@" + strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 60) + ".com"
	if ValidEmail(long) {
		t.Fatalf("a %d-byte address is valid", len(long))
	}
}
