package identity

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// The signature algorithms tokens may use. Anything else (none, HS*, ES*, PS*) is refused.
const (
	EdDSA = string(jose.EdDSA)
	RS256 = string(jose.RS256)
)

// allowedAlgorithms is the verification allow-list handed to the JWS parser.
var allowedAlgorithms = []jose.SignatureAlgorithm{jose.EdDSA, jose.RS256}

// minRSABits is the smallest RSA modulus accepted for signing or verifying.
const minRSABits = 2048

// SigningKey is the private key the auth function signs tokens with.
type SigningKey struct {
	id        string
	algorithm string
	public    crypto.PublicKey
	jws       any // what go-jose signs with: a crypto.Signer, or a *deferredEd25519 (jose.OpaqueSigner)
}

// ID returns the key's kid: its RFC 7638 SHA-256 thumbprint, base64url.
func (k *SigningKey) ID() string { return k.id }

// Algorithm returns the JWS algorithm the key signs with: EdDSA or RS256.
func (k *SigningKey) Algorithm() string { return k.algorithm }

// Public returns the key's verification half.
func (k *SigningKey) Public() VerificationKey {
	return VerificationKey{ID: k.id, Algorithm: k.algorithm, Key: k.public}
}

// VerificationKey is a public key a token may be signed with.
type VerificationKey struct {
	ID        string           // kid
	Algorithm string           // EdDSA or RS256
	Key       crypto.PublicKey // ed25519.PublicKey or *rsa.PublicKey
}

// ParseSigningKeyPEM reads an Ed25519 or RSA (>= 2048 bits) private key in PEM: PKCS#8
// ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"). The private key may be followed by its public half
// ("PUBLIC KEY", see KeyPairPEM); the two must match.
//
// An Ed25519 key followed by its public half is not derived here but at its first signature (see
// deferredEd25519), which is also when the two halves are compared; every other key is parsed and
// checked at once.
func ParseSigningKeyPEM(data []byte) (*SigningKey, error) {
	const op = "identity.ParseSigningKeyPEM"
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block found", op)
	}
	if pub := publicBlocks(rest); len(pub) > 0 && block.Type == "PRIVATE KEY" {
		if seed, ok := ed25519Seed(block.Bytes); ok {
			keys, err := ParsePublicKeysPEM(pub)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			pk, isEd := keys[0].Key.(ed25519.PublicKey)
			if len(keys) != 1 || !isEd {
				return nil, fmt.Errorf("%s: the PUBLIC KEY block is not the private key's public half", op)
			}
			d := newDeferredEd25519(seed, pk, keys[0].ID)
			return &SigningKey{id: keys[0].ID, algorithm: EdDSA, public: pk, jws: d}, nil
		}
	}
	var key any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("%s: PEM block %q is not a private key", op, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%s: unsupported key type %T", op, key)
	}
	alg, err := algorithmFor(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	kid, err := Thumbprint(signer.Public())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if pub := publicBlocks(rest); len(pub) > 0 {
		keys, err := ParsePublicKeysPEM(pub)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		if len(keys) != 1 || keys[0].ID != kid {
			return nil, fmt.Errorf("%s: the PUBLIC KEY block is not the private key's public half", op)
		}
	}
	return &SigningKey{id: kid, algorithm: alg, public: signer.Public(), jws: signer}, nil
}

// publicBlocks returns the "PUBLIC KEY" PEM blocks of data, re-encoded; nil when there are none.
func publicBlocks(data []byte) []byte {
	var out []byte
	for rest := data; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return out
		}
		if block.Type == "PUBLIC KEY" {
			out = append(out, pem.EncodeToMemory(block)...)
		}
	}
}

// ParsePublicKeysPEM reads one or more PKIX ("PUBLIC KEY") Ed25519 or RSA public keys, e.g. the
// current and the previous signing key during a rotation.
func ParsePublicKeysPEM(data []byte) ([]VerificationKey, error) {
	const op = "identity.ParsePublicKeysPEM"
	var keys []VerificationKey
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("%s: PEM block %q is not a public key", op, block.Type)
		}
		pub, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		k, err := NewVerificationKey(pub)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no PEM block found", op)
	}
	return keys, nil
}

// NewVerificationKey wraps an Ed25519 or RSA public key with its thumbprint kid and algorithm.
func NewVerificationKey(pub crypto.PublicKey) (VerificationKey, error) {
	alg, err := algorithmFor(pub)
	if err != nil {
		return VerificationKey{}, err
	}
	kid, err := Thumbprint(pub)
	if err != nil {
		return VerificationKey{}, err
	}
	return VerificationKey{ID: kid, Algorithm: alg, Key: pub}, nil
}

// Thumbprint returns the RFC 7638 SHA-256 thumbprint of a public key, base64url without padding.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("identity: thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// algorithmFor returns the one algorithm a key may be used with.
func algorithmFor(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return EdDSA, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return "", fmt.Errorf("RSA key of %d bits is too short (minimum %d)", k.N.BitLen(), minRSABits)
		}
		return RS256, nil
	}
	return "", fmt.Errorf("unsupported key type %T (want Ed25519 or RSA)", pub)
}

// GenerateEd25519PEM returns a new Ed25519 private key in PKCS#8 PEM, the form OCTO_TOKEN_SIGNING_KEY
// takes (equivalent to `openssl genpkey -algorithm ed25519`).
func GenerateEd25519PEM() ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("identity: marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// KeyPairPEM returns a new Ed25519 private key in PKCS#8 PEM followed by its public half in PKIX PEM.
// ParseSigningKeyPEM reads it like the private key alone, and TokenSettings.VerificationKeys reads only
// the public block: an authorizer never parses a private key it does not sign with, and skips the
// base-point precomputation deriving the public key costs at cold start (about a millisecond).
func KeyPairPEM() ([]byte, error) {
	privPEM, err := GenerateEd25519PEM()
	if err != nil {
		return nil, err
	}
	k, err := ParseSigningKeyPEM(privPEM)
	if err != nil {
		return nil, err
	}
	pubPEM, err := k.PublicKeyPEM()
	if err != nil {
		return nil, err
	}
	return append(privPEM, pubPEM...), nil
}

// PublicKeyPEM returns the key's public half in PKIX PEM, the form OCTO_TOKEN_PUBLIC_KEYS takes.
func (k *SigningKey) PublicKeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k.public)
	if err != nil {
		return nil, fmt.Errorf("identity: marshal public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// errKeyMismatch reports a token whose algorithm does not fit the key its kid names.
var errKeyMismatch = errors.New("algorithm does not match the key")
