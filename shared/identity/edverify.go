package identity

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"errors"

	"filippo.io/edwards25519"
	jose "github.com/go-jose/go-jose/v4"
)

// ed25519Verifier checks EdDSA signatures as crypto/ed25519.Verify does, without building the
// base-point table Verify builds on its first call.
//
// Why: every cold start of the authorizer verifies one token, and crypto/ed25519's first Verify
// spends ~0.3 ms (measured: perf, and a fresh process timing its first call) building a table of 64
// multiples of the base point in affine form, one field inversion each, which only pays off after
// thousands of verifications; a function instance serves far fewer. Here [S]B - [k]A is computed with
// filippo.io/edwards25519's VarTimeMultiScalarMult (the same curve code as the standard library's,
// published by its author), whose per-call tables are projective: no inversion. The point is the
// same, so the answer is the same: TestEd25519VerifierAgreesWithTheStandardLibrary compares the
// two on valid, tampered, non-canonical and small-order inputs, and FuzzEd25519Verifier on any input.
//
// It is a jose.OpaqueVerifier, go-jose's extension point for keys it does not hold itself (as
// deferredEd25519 is for signing).
type ed25519Verifier struct{ public ed25519.PublicKey }

var errEd25519 = errors.New("ed25519 signature failed to verify")

// VerifyPayload implements jose.OpaqueVerifier.
func (v ed25519Verifier) VerifyPayload(payload, signature []byte, alg jose.SignatureAlgorithm) error {
	if alg != jose.EdDSA {
		return jose.ErrUnsupportedAlgorithm
	}
	if !verifyEd25519(v.public, payload, signature) {
		return errEd25519
	}
	return nil
}

// verifyEd25519 reports whether sig is a valid Ed25519 signature of message by pub, with
// crypto/ed25519.Verify's checks (RFC 8032 section 5.1.7, cofactorless, S canonical), except that a
// public key of the wrong length is false rather than a panic.
func verifyEd25519(pub ed25519.PublicKey, message, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize || sig[63]&224 != 0 {
		return false
	}
	a, err := new(edwards25519.Point).SetBytes(pub)
	if err != nil {
		return false
	}
	h := sha512.New()
	h.Write(sig[:32])
	h.Write(pub)
	h.Write(message)
	k, err := edwards25519.NewScalar().SetUniformBytes(h.Sum(nil))
	if err != nil {
		return false
	}
	s, err := edwards25519.NewScalar().SetCanonicalBytes(sig[32:])
	if err != nil {
		return false
	}
	// [S]B = R + [k]A  <=>  [k](-A) + [S]B = R
	minusA := new(edwards25519.Point).Negate(a)
	r := new(edwards25519.Point).VarTimeMultiScalarMult([]*edwards25519.Scalar{k, s},
		[]*edwards25519.Point{minusA, edwards25519.NewGeneratorPoint()})
	return bytes.Equal(sig[:32], r.Bytes())
}

// joseKey is the key go-jose verifies a token's signature with: Ed25519 keys through
// ed25519Verifier, the others as they are.
func joseKey(k VerificationKey) any {
	if pub, ok := k.Key.(ed25519.PublicKey); ok {
		return ed25519Verifier{public: pub}
	}
	return k.Key
}
