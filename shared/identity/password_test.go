package identity

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/octo-drone-shop/serverless/shared/manifest"
)

func TestCheckPassword(t *testing.T) {
	const pw = "correct horse battery"
	argon, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(argon, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id PHC with the documented parameters", argon)
	}
	bc, err := bcrypt.GenerateFromPassword([]byte(pw), 10)
	if err != nil {
		t.Fatal(err)
	}
	weaker := strings.Replace(argon, "t=2", "t=1", 1) // other parameters: must verify false (key differs) and ask for rehash
	tests := []struct {
		name, stored, password string
		ok, rehash             bool
		wantErr                bool
	}{
		{"argon2id_right_password_matches", argon, pw, true, false, false},
		{"argon2id_wrong_password_fails", argon, pw + "!", false, false, false},
		{"bcrypt_right_password_matches_and_asks_rehash", string(bc), pw, true, true, false},
		{"bcrypt_wrong_password_fails", string(bc), "nope nope nope", false, false, false},
		{"argon2id_other_parameters_ask_rehash", weaker, pw, false, true, false},
		{"unknown_format_is_an_error", "plain:" + pw, pw, false, false, true},
		{"absurd_memory_is_refused", strings.Replace(argon, "m=19456", "m=99999999", 1), pw, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := CheckPassword(tt.stored, tt.password)
			if (err != nil) != tt.wantErr || ok != tt.ok || rehash != tt.rehash {
				t.Fatalf("CheckPassword = %v, %v, %v; want ok=%v rehash=%v err=%v", ok, rehash, err, tt.ok, tt.rehash, tt.wantErr)
			}
		})
	}
	t.Run("salts_differ", func(t *testing.T) {
		again, err := HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		if again == argon {
			t.Fatal("two hashes of one password are equal: the salt is not random")
		}
	})
	t.Run("dummy_hash_has_current_parameters", func(t *testing.T) {
		if _, rehash, err := CheckPassword(dummyHash, pw); err != nil || rehash {
			t.Fatalf("dummy hash: rehash=%v err=%v; it must cost what a current hash costs", rehash, err)
		}
	})
}

func TestCheckPasswordPolicy(t *testing.T) {
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"eleven_characters_rejected", strings.Repeat("a", 11), false},
		{"twelve_characters_accepted", strings.Repeat("a", 12), true},
		{"twelve_multibyte_characters_accepted", strings.Repeat("é", 12), true},
		{"128_characters_accepted", strings.Repeat("a", 128), true},
		{"129_characters_rejected", strings.Repeat("a", 129), false},
		{"invalid_utf8_rejected", strings.Repeat("\xff", 20), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckPasswordPolicy(tt.password); (err == nil) != tt.ok {
				t.Fatalf("CheckPasswordPolicy = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestExpandScopes(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"admin_implies_staff_and_customer", []string{"admin"}, "customer staff admin"},
		{"staff_implies_customer", []string{"staff"}, "customer staff"},
		{"customer_alone", []string{"customer"}, "customer"},
		{"unknown_and_public_dropped", []string{"public", "root", "openid"}, ""},
		{"duplicates_collapse", []string{"customer", "staff", "customer"}, "customer staff"},
		{"permissions_kept_for_staff", []string{"crm.support", "staff", "crm.orders.read", "crm.support"}, "customer staff crm.orders.read crm.support"},
		{"permissions_dropped_without_staff", []string{"customer", "crm.orders.transition"}, "customer"},
		{"unknown_permission_dropped", []string{"staff", "crm.everything"}, "customer staff"},
		{"admin_permission_is_the_admin_level_once", []string{"staff", "admin"}, "customer staff admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(ExpandScopes(tt.in...), " "); got != tt.want {
				t.Fatalf("ExpandScopes(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for role, want := range map[string]string{
		"admin":       "customer staff admin crm.customers.read crm.customers.write crm.orders.read crm.orders.transition crm.shipments.write crm.support marketing analytics ops",
		"support":     "customer staff crm.customers.read crm.customers.write crm.orders.read crm.shipments.write crm.support",
		"fulfillment": "customer staff crm.orders.read crm.orders.transition crm.shipments.write",
		"marketing":   "customer staff crm.customers.read marketing analytics",
		"staff":       "customer staff", "customer": "customer", "intruder": ""} {
		if got := strings.Join(ScopesForRole(role), " "); got != want {
			t.Errorf("ScopesForRole(%q) = %q, want %q", role, got, want)
		}
		if holds := RoleHolds(role, manifest.Administration); holds != (role == "admin") {
			t.Errorf("RoleHolds(%q, admin) = %v: only the admin role holds the admin permission", role, holds)
		}
	}
}
