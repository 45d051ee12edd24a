package identity

import (
	"crypto/ed25519"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"sync"

	jose "github.com/go-jose/go-jose/v4"
)

// deferredEd25519 is an Ed25519 signing key whose private half is derived from its seed at the first
// signature rather than when the key is read.
//
// Why: deriving it (ed25519.NewKeyFromSeed) first builds the curve's base-point table, measured at
// 1.4 to 1.9 ms on a cold process on this VM: a sixth of the auth function's cold start, paid by
// every cold start although only login and registration sign (and they then spend far longer
// hashing the password). The key id and the verification key come from the PUBLIC KEY block that
// follows the private key (see KeyPairPEM), which needs no derivation. The first signature derives
// the private half and refuses to sign, with an error naming the cause, when it does not match that
// block: the check ParseSigningKeyPEM makes at once for every other key. The seed's framing (PKCS#8,
// the Ed25519 algorithm, 32 bytes) is still checked when the key is read.
//
// It is a jose.OpaqueSigner, go-jose's extension point for keys it does not hold itself.
type deferredEd25519 struct {
	public  ed25519.PublicKey
	kid     string
	private func() (ed25519.PrivateKey, error)
}

func newDeferredEd25519(seed []byte, public ed25519.PublicKey, kid string) *deferredEd25519 {
	seed = append([]byte(nil), seed...)
	return &deferredEd25519{public: public, kid: kid, private: sync.OnceValues(func() (ed25519.PrivateKey, error) {
		priv := ed25519.NewKeyFromSeed(seed)
		if !public.Equal(priv.Public()) {
			return nil, errors.New("identity: the signing key's PUBLIC KEY block is not its private key's public half")
		}
		return priv, nil
	})}
}

// Public implements jose.OpaqueSigner.
func (k *deferredEd25519) Public() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: k.public, KeyID: k.kid, Algorithm: EdDSA, Use: "sig"}
}

// Algs implements jose.OpaqueSigner.
func (k *deferredEd25519) Algs() []jose.SignatureAlgorithm {
	return []jose.SignatureAlgorithm{jose.EdDSA}
}

// SignPayload implements jose.OpaqueSigner.
func (k *deferredEd25519) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != jose.EdDSA {
		return nil, fmt.Errorf("identity: an Ed25519 key cannot sign %s", alg)
	}
	priv, err := k.private()
	if err != nil {
		return nil, err
	}
	return ed25519.Sign(priv, payload), nil
}

// oidEd25519 is the Ed25519 algorithm identifier (RFC 8410).
var oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}

// ed25519Seed returns the seed of a PKCS#8 Ed25519 private key (RFC 8410: the PrivateKey field is an
// OCTET STRING holding the 32-byte seed), without deriving anything; ok is false for any other key
// or a malformed one, which the caller then hands to crypto/x509 for its full parse and error.
func ed25519Seed(der []byte) (seed []byte, ok bool) {
	var p struct {
		Version    int
		Algo       pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if rest, err := asn1.Unmarshal(der, &p); err != nil || len(rest) != 0 {
		return nil, false
	}
	if p.Version != 0 || !p.Algo.Algorithm.Equal(oidEd25519) || len(p.Algo.Parameters.FullBytes) != 0 {
		return nil, false
	}
	if rest, err := asn1.Unmarshal(p.PrivateKey, &seed); err != nil || len(rest) != 0 || len(seed) != ed25519.SeedSize {
		return nil, false
	}
	return seed, true
}
