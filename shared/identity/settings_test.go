package identity

import (
	"context"
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
