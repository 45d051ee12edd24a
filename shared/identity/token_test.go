package identity

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"
)

func newSigningKey(t *testing.T) *SigningKey {
	t.Helper()
	pemData, err := GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseSigningKeyPEM(pemData)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// segment decodes one part of a compact JWS.
func segment(t *testing.T, token string, i int) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestIssueThenVerify(t *testing.T) {
	for _, alg := range []string{EdDSA, RS256} {
		t.Run(alg, func(t *testing.T) {
			key := newSigningKey(t)
			if alg == RS256 {
				rk, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					t.Fatal(err)
				}
				if key, err = ParseSigningKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)})); err != nil {
					t.Fatal(err)
				}
			}
			now := time.Unix(1_800_000_000, 0)
			iss, err := NewIssuer(key, IssuerOptions{Issuer: "octo", Audience: "api", TTL: 20 * time.Minute, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			token, err := iss.Issue(Grant{UserID: 7, Scopes: ScopesForRole("admin"), CustomerID: 3})
			if err != nil {
				t.Fatal(err)
			}
			h, c := segment(t, token, 0), segment(t, token, 1)
			if h["alg"] != alg || h["kid"] != key.ID() || h["typ"] != "at+jwt" {
				t.Errorf("header = %v", h)
			}
			if c["iss"] != "octo" || c["aud"] != "api" || c["sub"] != "7" || c["scope"] != "customer staff admin crm.customers.read crm.customers.write crm.orders.read crm.orders.transition crm.shipments.write crm.support marketing analytics ops" ||
				c["customer_id"] != float64(3) || c["client_id"] != ClientID || c["jti"] == "" ||
				c["exp"] != float64(now.Add(20*time.Minute).Unix()) || c["nbf"] != float64(now.Unix()) || c["iat"] != float64(now.Unix()) {
				t.Errorf("claims = %v", c)
			}
			pubPEM, err := key.PublicKeyPEM()
			if err != nil {
				t.Fatal(err)
			}
			pub, err := ParsePublicKeysPEM(pubPEM)
			if err != nil {
				t.Fatal(err)
			}
			if pub[0].ID != key.ID() {
				t.Errorf("kid from the public key %q differs from the signing key's %q", pub[0].ID, key.ID())
			}
			v, err := NewVerifier(VerifierOptions{Issuers: []TrustedIssuer{{Issuer: "octo", Audience: "api", Keys: StaticKeys(pub), Local: true}},
				Now: func() time.Time { return now.Add(time.Minute) }})
			if err != nil {
				t.Fatal(err)
			}
			got, err := v.Verify(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			if got.Principal != "user:7" || got.CustomerID != 3 || strings.Join(got.Scopes, " ") != "customer staff admin crm.customers.read crm.customers.write crm.orders.read crm.orders.transition crm.shipments.write crm.support marketing analytics ops" || !got.Expiry.Equal(now.Add(20*time.Minute)) {
				t.Errorf("Verified = %+v", got)
			}
			second, _ := iss.Issue(Grant{UserID: 7, Scopes: []string{"customer"}})
			if segment(t, second, 1)["jti"] == c["jti"] {
				t.Error("two tokens share a jti")
			}
		})
	}
}

func TestNewIssuerRefusesLongLifetimes(t *testing.T) {
	for _, ttl := range []time.Duration{time.Minute, 61 * time.Minute, 24 * time.Hour} {
		if _, err := NewIssuer(newSigningKey(t), IssuerOptions{Issuer: "a", Audience: "b", TTL: ttl}); err == nil {
			t.Errorf("TTL %s accepted", ttl)
		}
	}
}

func TestParseSigningKeyRefusesShortRSA(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseSigningKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}))
	if err == nil || !strings.Contains(err.Error(), "too short") {
		t.Fatalf("1024-bit RSA key: %v", err)
	}
}

func TestVerifierRefusesTooMuchSkew(t *testing.T) {
	_, err := NewVerifier(VerifierOptions{ClockSkew: 2 * time.Minute,
		Issuers: []TrustedIssuer{{Issuer: "a", Audience: "b", Keys: StaticKeys{}}}})
	if err == nil {
		t.Fatal("a 2 minute clock skew was accepted")
	}
	if _, err := (StaticKeys{}).Key(context.Background(), "x"); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("empty StaticKeys: %v", err)
	}
}
