package dbtest

import (
	"context"
	"strings"
	"testing"

	"github.com/octo-drone-shop/serverless/shared/identity"
)

// Tokens signs access tokens with a key of its own and verifies them: what a test of a function that
// verifies tokens itself (a route declaring auth: optional, see security.Optional) needs instead of
// the gateway's principal headers.
type Tokens struct {
	Verifier *identity.Verifier
	issuer   *identity.Issuer
}

// NewTokens returns Tokens with a fresh Ed25519 key, issuer "octo-test" and audience "octo-api".
func NewTokens(t testing.TB) *Tokens {
	t.Helper()
	pemKey, err := identity.GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	key, err := identity.ParseSigningKeyPEM(pemKey)
	if err != nil {
		t.Fatal(err)
	}
	iss, err := identity.NewIssuer(key, identity.IssuerOptions{Issuer: "octo-test", Audience: "octo-api"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := identity.NewVerifier(identity.VerifierOptions{Issuers: []identity.TrustedIssuer{{
		Issuer: "octo-test", Audience: "octo-api", Keys: identity.StaticKeys{key.Public()}, Local: true}}})
	if err != nil {
		t.Fatal(err)
	}
	return &Tokens{Verifier: v, issuer: iss}
}

// Bearer returns the Authorization header of a token for the seeded user username, with its role's
// scopes, as the auth function would issue it at login.
func (k *Tokens) Bearer(t testing.TB, d *DB, username string) map[string]string {
	t.Helper()
	var id, customer int64
	var role string
	if err := d.QueryRowContext(context.Background(), `SELECT id, role, COALESCE(customer_id, 0) FROM users WHERE username = :1`, username).Scan(&id, &role, &customer); err != nil {
		t.Fatalf("dbtest: seeded user %q: %v", username, err)
	}
	return k.BearerFor(t, id, customer, role)
}

// BearerFor returns the Authorization header of a token for user id (customer its customer, 0 for
// none) holding role's scopes.
func (k *Tokens) BearerFor(t testing.TB, id, customer int64, role string) map[string]string {
	t.Helper()
	tok, err := k.issuer.Issue(identity.Grant{UserID: id, Scopes: identity.ScopesForRole(role), CustomerID: customer})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"Authorization": "Bearer " + strings.TrimSpace(tok)}
}
