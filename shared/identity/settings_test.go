package identity

import (
	"context"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenSettingsFromEnv(t *testing.T) {
	keyPEM, err := GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		check   func(TokenSettings) bool
		wantErr string
	}{
		{"defaults", map[string]string{"OCTO_TOKEN_SIGNING_KEY": string(keyPEM)}, func(s TokenSettings) bool {
			return s.Issuer == DefaultTokenIssuer && s.Audience == DefaultTokenAudience && s.TTL == DefaultTokenTTL && s.LocalKeyFile == ""
		}, ""},
		{"key_from_absolute_path", map[string]string{"OCTO_TOKEN_SIGNING_KEY": keyFile, "OCTO_TOKEN_TTL": "1h"}, func(s TokenSettings) bool {
			return string(s.SigningKeyPEM) == string(keyPEM) && s.TTL == time.Hour
		}, ""},
		{"relative_path_refused", map[string]string{"OCTO_TOKEN_SIGNING_KEY": "key.pem"}, nil, "absolute path"},
		{"ttl_over_an_hour_refused", map[string]string{"OCTO_TOKEN_TTL": "2h"}, nil, "OCTO_TOKEN_TTL"},
		{"key_and_secret_refused", map[string]string{"OCTO_TOKEN_SIGNING_KEY": string(keyPEM), "OCTO_TOKEN_KEY_SECRET_OCID": "ocid1.vaultsecret.oc1..x"}, nil, "not both"},
		{"embedded_database_without_key_uses_local_file", map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": "/data/octo.db"}, func(s TokenSettings) bool {
			return s.LocalKeyFile == "/data/"+LocalKeyFileName
		}, ""},
		{"oracle_without_key_gets_no_local_file", map[string]string{"OCTO_DB_DRIVER": "oracle", "OCTO_DB_DSN": "/data/octo.db"}, func(s TokenSettings) bool {
			return s.LocalKeyFile == "" && !s.HasKeys()
		}, ""},
		{"configured_key_wins_over_local_file", map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": "/data/octo.db", "OCTO_TOKEN_KEY_SECRET_OCID": "ocid1.vaultsecret.oc1..x"}, func(s TokenSettings) bool {
			return s.LocalKeyFile == ""
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := TokenSettingsFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(s) {
				t.Fatalf("settings %+v, %v", s, err)
			}
		})
	}
}

// fakeSecrets is a SecretSource over a map, standing in for OCI Vault.
type fakeSecrets map[string][]byte

func (f fakeSecrets) SecretContent(_ context.Context, ocid string) ([]byte, error) {
	if v, ok := f[ocid]; ok {
		return v, nil
	}
	return nil, errors.New("no such secret")
}

func TestSigningKeyFromVaultSecret(t *testing.T) {
	keyPEM, err := GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	s := TokenSettings{KeySecretOCID: "ocid1.vaultsecret.oc1..k"}
	k, err := s.SigningKey(t.Context(), fakeSecrets{"ocid1.vaultsecret.oc1..k": keyPEM})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ParseSigningKeyPEM(keyPEM)
	if k.ID() != want.ID() {
		t.Fatalf("kid %s, want the secret's key %s", k.ID(), want.ID())
	}
	if _, err := s.SigningKey(t.Context(), fakeSecrets{}); err == nil {
		t.Fatal("a missing secret gave a key")
	}
}

func TestLocalKeyFileIsSharedByConcurrentStarts(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"OCTO_DB_DRIVER": "sqlite", "OCTO_DB_DSN": filepath.Join(dir, "octo.db")}
	s, err := TokenSettingsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := s.Secrets()
	if err != nil {
		t.Fatal(err)
	}
	kids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range kids {
		wg.Go(func() {
			if i%2 == 0 { // the auth function signs
				k, err := s.SigningKey(context.Background(), secrets)
				if err == nil {
					kids[i] = k.ID()
				}
				return
			}
			keys, err := s.VerificationKeys(context.Background(), secrets) // the authorizer verifies
			if err == nil && len(keys) == 1 {
				kids[i] = keys[0].ID
			}
		})
	}
	wg.Wait()
	for i, kid := range kids {
		if kid == "" || kid != kids[0] {
			t.Fatalf("start %d got kid %q, start 0 %q: every process must use one key", i, kid, kids[0])
		}
	}
	fi, err := os.Stat(filepath.Join(dir, LocalKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Fatalf("key file mode %v; want it readable by its owner only", fi.Mode())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".token-key-*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestKeyPairVerifiersReadOnlyThePublicHalf(t *testing.T) {
	pair, err := KeyPairPEM()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ParseSigningKeyPEM(pair)
	if err != nil {
		t.Fatalf("a key pair must parse as a signing key: %v", err)
	}
	keys, err := TokenSettings{SigningKeyPEM: pair}.VerificationKeys(t.Context(), noSecrets{})
	if err != nil || len(keys) != 1 || keys[0].ID != signer.ID() {
		t.Fatalf("verification keys %v, %v; want the pair's public key %s", keys, err, signer.ID())
	}
	// The private block is not parsed on the verifying side: a pair whose private half is unreadable
	// still gives the public key to an authorizer, while signing with it fails.
	i := strings.Index(string(pair), "-----BEGIN PUBLIC KEY-----")
	broken := append([]byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), pair[i:]...)
	if keys, err := (TokenSettings{SigningKeyPEM: broken}).VerificationKeys(t.Context(), noSecrets{}); err != nil || len(keys) != 1 || keys[0].ID != signer.ID() {
		t.Fatalf("verification keys of a pair with a broken private block: %v, %v", keys, err)
	}
	if _, err := ParseSigningKeyPEM(broken); err == nil {
		t.Fatal("signing with a broken private block worked")
	}
	// A public block that is not the private key's own is refused on the signing side: an Ed25519
	// pair is derived and compared at its first signature (see deferredEd25519), which fails and
	// keeps failing, so no token is ever signed with it.
	other, err := KeyPairPEM()
	if err != nil {
		t.Fatal(err)
	}
	j := strings.Index(string(other), "-----BEGIN PUBLIC KEY-----")
	mismatched := append(append([]byte{}, pair[:i]...), other[j:]...)
	key, err := ParseSigningKeyPEM(mismatched)
	if err != nil {
		t.Fatalf("mismatched pair refused before its first signature: %v", err)
	}
	iss, err := NewIssuer(key, IssuerOptions{Issuer: "octo", Audience: "octo-api"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if tok, err := iss.Issue(Grant{UserID: 1, Scopes: []string{"customer"}}); err == nil || !strings.Contains(err.Error(), "public half") {
			t.Fatalf("mismatched pair signed %q, err = %v", tok, err)
		}
	}
}

// A key pair's Ed25519 half is derived at the first signature, not when read, and signs tokens that
// verify with the pair's public key under the pair's kid; its seed is still checked when read.
func TestKeyPairSigningIsDeferredAndSound(t *testing.T) {
	pair, err := KeyPairPEM()
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParseSigningKeyPEM(pair)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := key.jws.(*deferredEd25519)
	if !ok {
		t.Fatalf("a key pair is signed with %T, want the deferred Ed25519 signer", key.jws)
	}
	iss, err := NewIssuer(key, IssuerOptions{Issuer: "octo", Audience: "octo-api"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := iss.Issue(Grant{UserID: 7, Scopes: []string{"customer"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVerifier(VerifierOptions{Issuers: []TrustedIssuer{{Issuer: "octo", Audience: "octo-api",
		Keys: StaticKeys{key.Public()}, Local: true}}})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := v.Verify(t.Context(), tok)
	if err != nil || claims.Principal != "user:7" {
		t.Fatalf("token of the deferred key: %+v, %v", claims, err)
	}
	if priv, err := d.private(); err != nil || !priv.Public().(ed25519.PublicKey).Equal(key.Public().Key) {
		t.Fatalf("derived key %v, %v", priv, err)
	}
	// The same private key without its public block is parsed at once, to the same kid.
	i := strings.Index(string(pair), "-----BEGIN PUBLIC KEY-----")
	eager, err := ParseSigningKeyPEM(pair[:i])
	if err != nil || eager.ID() != key.ID() {
		t.Fatalf("private block alone: kid %v, %v; want %s", eager, err, key.ID())
	}
	if _, ok := eager.jws.(*deferredEd25519); ok {
		t.Fatal("a private key without its public half was deferred")
	}
	// A malformed seed inside the pair is refused when read.
	block, _ := pem.Decode(pair)
	short := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: block.Bytes[:len(block.Bytes)-1]})
	if _, err := ParseSigningKeyPEM(append(short, pair[i:]...)); err == nil {
		t.Fatal("a truncated seed was accepted")
	}
}

func TestLocalKeyFileHoldsThePairAndOldFilesStillWork(t *testing.T) {
	dir := t.TempDir()
	s := TokenSettings{LocalKeyFile: filepath.Join(dir, LocalKeyFileName)}
	signer, err := s.SigningKey(t.Context(), noSecrets{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(s.LocalKeyFile)
	if err != nil || !strings.Contains(string(data), "PUBLIC KEY") {
		t.Fatalf("new local key file lacks its public half: %v\n%s", err, data)
	}
	// A file written before key pairs (private key only) still verifies, by deriving the public key.
	old, err := GenerateEd25519PEM()
	if err != nil {
		t.Fatal(err)
	}
	oldFile := filepath.Join(dir, "old.pem")
	if err := os.WriteFile(oldFile, old, 0o600); err != nil {
		t.Fatal(err)
	}
	oldKey, _ := ParseSigningKeyPEM(old)
	keys, err := TokenSettings{LocalKeyFile: oldFile}.VerificationKeys(t.Context(), noSecrets{})
	if err != nil || len(keys) != 1 || keys[0].ID != oldKey.ID() || keys[0].ID == signer.ID() {
		t.Fatalf("old key file: %v, %v", keys, err)
	}
}
