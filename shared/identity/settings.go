package identity

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/octo-drone-shop/serverless/shared/vault"
)

// Defaults of our own token issuer.
const (
	DefaultTokenIssuer   = "octo-drone-shop"
	DefaultTokenAudience = "octo-drone-shop-api"
)

// TokenSettings is the configuration of our own tokens, read by both the auth function (to sign) and
// the authorizer (to verify) from the same variables:
//
//	OCTO_TOKEN_ISSUER          iss (default DefaultTokenIssuer)
//	OCTO_TOKEN_AUDIENCE        aud (default DefaultTokenAudience)
//	OCTO_TOKEN_TTL             token lifetime, 5m..60m (default 15m)
//	OCTO_TOKEN_SIGNING_KEY     private key PEM (Ed25519 -> EdDSA, RSA -> RS256), or an absolute path to it
//	OCTO_TOKEN_KEY_SECRET_OCID OCI Vault secret holding that PEM (read with the resource principal)
//	OCTO_TOKEN_PUBLIC_KEYS     public key PEMs the authorizer also trusts (a rotation's previous key),
//	                           or an absolute path; enough on its own for an authorizer
//	OCTO_OCI_REGION            Vault region override
//
// Local development: with the embedded database (OCTO_DB_DRIVER=sqlite) and none of the key variables
// set, both functions use the Ed25519 key pair in LocalKeyFileName next to the database file
// (OCTO_DB_DSN), created by whichever starts first; the authorizer reads only its public half.
// `make run` therefore needs no key setup, and a deployment (OCTO_DB_DRIVER=oracle) never gets a key
// it was not given.
type TokenSettings struct {
	Issuer        string
	Audience      string
	TTL           time.Duration
	SigningKeyPEM []byte
	KeySecretOCID string
	PublicKeysPEM []byte
	Region        string
	// LocalKeyFile is the development key file, set only as described above.
	LocalKeyFile string
}

// LocalKeyFileName is the development signing key's file name, in the embedded database's directory.
const LocalKeyFileName = "token-signing-key.pem"

// TokenSettingsFromEnv reads TokenSettings, reporting every problem at once.
func TokenSettingsFromEnv(getenv func(string) string) (TokenSettings, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	s := TokenSettings{
		Issuer:        or(get("OCTO_TOKEN_ISSUER"), DefaultTokenIssuer),
		Audience:      or(get("OCTO_TOKEN_AUDIENCE"), DefaultTokenAudience),
		TTL:           DefaultTokenTTL,
		KeySecretOCID: get("OCTO_TOKEN_KEY_SECRET_OCID"),
		Region:        get("OCTO_OCI_REGION"),
	}
	var errs []error
	if v := get("OCTO_TOKEN_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinTokenTTL || d > MaxTokenTTL {
			errs = append(errs, fmt.Errorf("OCTO_TOKEN_TTL=%q: want a duration from %s to %s", v, MinTokenTTL, MaxTokenTTL))
		}
		s.TTL = d
	}
	var err error
	if s.SigningKeyPEM, err = pemOrFile(get("OCTO_TOKEN_SIGNING_KEY")); err != nil {
		errs = append(errs, fmt.Errorf("OCTO_TOKEN_SIGNING_KEY: %w", err))
	}
	if s.PublicKeysPEM, err = pemOrFile(get("OCTO_TOKEN_PUBLIC_KEYS")); err != nil {
		errs = append(errs, fmt.Errorf("OCTO_TOKEN_PUBLIC_KEYS: %w", err))
	}
	if len(s.SigningKeyPEM) > 0 && s.KeySecretOCID != "" {
		errs = append(errs, errors.New("set one of OCTO_TOKEN_SIGNING_KEY and OCTO_TOKEN_KEY_SECRET_OCID, not both"))
	}
	if err := errors.Join(errs...); err != nil {
		return TokenSettings{}, fmt.Errorf("identity: token settings: %w", err)
	}
	if dsn := get("OCTO_DB_DSN"); get("OCTO_DB_DRIVER") == "sqlite" && dsn != "" && !s.HasKeys() {
		s.LocalKeyFile = filepath.Join(filepath.Dir(dsn), LocalKeyFileName)
	}
	return s, nil
}

// HasKeys reports whether any key source is configured.
func (s TokenSettings) HasKeys() bool {
	return len(s.SigningKeyPEM) > 0 || s.KeySecretOCID != "" || len(s.PublicKeysPEM) > 0 || s.LocalKeyFile != ""
}

// pemOrFile returns v itself when it is PEM text, the file's content when v is an absolute path.
func pemOrFile(v string) ([]byte, error) {
	switch {
	case v == "":
		return nil, nil
	case strings.HasPrefix(v, "-----BEGIN "):
		return []byte(v), nil
	case filepath.IsAbs(v):
		data, err := os.ReadFile(v)
		if err != nil {
			return nil, err
		}
		return data, nil
	}
	return nil, errors.New("want PEM text or an absolute path to a PEM file")
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// SecretSource reads a secret's content; *oracle.VaultSecrets is the OCI Vault implementation.
type SecretSource = vault.Source

// noSecrets is the SecretSource of settings that name no secret.
type noSecrets struct{}

func (noSecrets) SecretContent(context.Context, string) ([]byte, error) {
	return nil, errors.New("identity: no secret store configured")
}

// Secrets returns the OCI Vault client when the settings name a key secret, otherwise a source that
// has no secrets. Call it once at cold start: the client holds the signed SDK configuration. A
// binary that links no Vault client (the authorizer, which verifies with OCTO_TOKEN_PUBLIC_KEYS)
// fails here with vault.ErrNotLinked when given a key secret.
func (s TokenSettings) Secrets() (SecretSource, error) {
	if s.KeySecretOCID == "" {
		return noSecrets{}, nil
	}
	v, err := vault.Open(vault.Config{Region: s.Region})
	if err != nil {
		return nil, fmt.Errorf("identity: token key secret: %w", err)
	}
	return v, nil
}

// SigningKey returns the configured signing key: OCTO_TOKEN_SIGNING_KEY, else the Vault secret read
// through secrets. It fails when neither is configured.
func (s TokenSettings) SigningKey(ctx context.Context, secrets SecretSource) (*SigningKey, error) {
	pemData, err := s.signingKeyPEM(ctx, secrets)
	if err != nil {
		return nil, err
	}
	return ParseSigningKeyPEM(pemData)
}

// signingKeyPEM reads the signing key's PEM from where it is configured.
func (s TokenSettings) signingKeyPEM(ctx context.Context, secrets SecretSource) ([]byte, error) {
	pemData := s.SigningKeyPEM
	if len(pemData) == 0 && s.LocalKeyFile != "" {
		var err error
		if pemData, err = loadOrCreateKeyFile(s.LocalKeyFile); err != nil {
			return nil, fmt.Errorf("identity: local signing key: %w", err)
		}
	}
	if len(pemData) == 0 {
		if s.KeySecretOCID == "" {
			return nil, errors.New("identity: no signing key: set OCTO_TOKEN_SIGNING_KEY or OCTO_TOKEN_KEY_SECRET_OCID")
		}
		var err error
		if pemData, err = secrets.SecretContent(ctx, s.KeySecretOCID); err != nil {
			return nil, fmt.Errorf("identity: signing key: %w", err)
		}
	}
	return pemData, nil
}

// VerificationKeys returns the keys our tokens may be signed with: OCTO_TOKEN_PUBLIC_KEYS plus the
// public half of the signing key when one is configured (directly, in Vault or in the local file).
// When that PEM is a key pair (KeyPairPEM) only its public block is read. It fails when that makes no
// key at all.
func (s TokenSettings) VerificationKeys(ctx context.Context, secrets SecretSource) (StaticKeys, error) {
	var keys StaticKeys
	if len(s.PublicKeysPEM) > 0 {
		pub, err := ParsePublicKeysPEM(s.PublicKeysPEM)
		if err != nil {
			return nil, err
		}
		keys = append(keys, pub...)
	}
	if len(s.SigningKeyPEM) > 0 || s.KeySecretOCID != "" || s.LocalKeyFile != "" {
		pemData, err := s.signingKeyPEM(ctx, secrets)
		if err != nil {
			return nil, err
		}
		if pub := publicBlocks(pemData); len(pub) > 0 {
			// A key pair (KeyPairPEM): trust its public half without parsing the private key.
			k, err := ParsePublicKeysPEM(pub)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k...)
		} else {
			k, err := ParseSigningKeyPEM(pemData)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k.Public())
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("identity: no token verification key: set OCTO_TOKEN_PUBLIC_KEYS, OCTO_TOKEN_SIGNING_KEY or OCTO_TOKEN_KEY_SECRET_OCID")
	}
	return keys, nil
}

// loadOrCreateKeyFile reads the key file, creating it with a new Ed25519 key pair (KeyPairPEM) when it
// does not exist. A file holding only the private key, as earlier versions wrote, still works.
// Two processes starting at once agree on one key: each writes a temporary file and links it into
// place, and the one whose link fails reads the winner's.
func loadOrCreateKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return data, err
	}
	pem, err := KeyPairPEM()
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".token-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(pem)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	return os.ReadFile(path)
}
