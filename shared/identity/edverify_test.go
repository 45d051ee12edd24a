package identity

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// stdVerify is crypto/ed25519.Verify, which panics on a public key of the wrong length where
// verifyEd25519 answers false.
func stdVerify(pub, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, msg, sig)
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// verifyCases are valid signatures and the ways a signature or key can be wrong: the library's
// answer is the specification.
func verifyCases(t testing.TB) map[string][3][]byte {
	cases := map[string][3][]byte{
		// RFC 8032 section 7.1, tests 1 and 2.
		"rfc8032 test 1": {mustHex(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"), nil,
			mustHex(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")},
		"rfc8032 test 2": {mustHex(t, "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"), mustHex(t, "72"),
			mustHex(t, "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")},
	}
	for i := range 8 {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		msg := make([]byte, i*37)
		rand.Read(msg)
		sig := ed25519.Sign(priv, msg)
		cases["random "+string(rune('a'+i))] = [3][]byte{pub, msg, sig}
		flip := func(b []byte, at int) []byte {
			c := append([]byte(nil), b...)
			c[at%len(c)] ^= 1 << (i % 8)
			return c
		}
		cases["tampered message "+string(rune('a'+i))] = [3][]byte{pub, append(msg, 0), sig}
		cases["tampered R "+string(rune('a'+i))] = [3][]byte{pub, msg, flip(sig, i)}
		cases["tampered S "+string(rune('a'+i))] = [3][]byte{pub, msg, flip(sig, 32+i)}
		cases["tampered key "+string(rune('a'+i))] = [3][]byte{flip(pub, i), msg, sig}
		// S + L: the same point, refused as non-canonical by both.
		nonCanonical := append([]byte(nil), sig...)
		addL(nonCanonical[32:])
		cases["S plus L "+string(rune('a'+i))] = [3][]byte{pub, msg, nonCanonical}
		cases["short signature "+string(rune('a'+i))] = [3][]byte{pub, msg, sig[:63]}
		cases["short key "+string(rune('a'+i))] = [3][]byte{pub[:31], msg, sig}
	}
	// A small-order public key (the identity) and R: cofactorless verification accepts what the
	// library accepts and refuses what it refuses.
	identity := mustHex(t, "0100000000000000000000000000000000000000000000000000000000000000")
	cases["identity key, R identity, S zero"] = [3][]byte{identity, []byte("m"), append(append([]byte(nil), identity...), make([]byte, 32)...)}
	// Not a point: y = 2 has no x on the curve.
	cases["key not on the curve"] = [3][]byte{mustHex(t, "0200000000000000000000000000000000000000000000000000000000000000"), nil, make([]byte, 64)}
	return cases
}

// addL adds the group order L to the little-endian scalar s in place (s < 2^253 for a valid S).
func addL(s []byte) {
	l, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
	carry := 0
	for i := range s {
		v := int(s[i]) + int(l[i]) + carry
		s[i], carry = byte(v), v>>8
	}
}

func TestEd25519VerifierAgreesWithTheStandardLibrary(t *testing.T) {
	valid := 0
	for name, c := range verifyCases(t) {
		want := stdVerify(c[0], c[1], c[2])
		if got := verifyEd25519(c[0], c[1], c[2]); got != want {
			t.Errorf("%s: verifyEd25519 = %t, crypto/ed25519.Verify = %t", name, got, want)
		}
		if want {
			valid++
		}
	}
	if valid < 10 {
		t.Errorf("only %d cases are valid signatures: the table tests refusals only", valid)
	}
	v := ed25519Verifier{public: verifyCases(t)["rfc8032 test 1"][0]}
	if err := v.VerifyPayload(nil, verifyCases(t)["rfc8032 test 1"][2], jose.RS256); err == nil {
		t.Error("an Ed25519 key verified an RS256 signature")
	}
}

func FuzzEd25519Verifier(f *testing.F) {
	for _, c := range verifyCases(f) {
		f.Add(c[0], c[1], c[2])
	}
	f.Fuzz(func(t *testing.T, pub, msg, sig []byte) {
		if got, want := verifyEd25519(pub, msg, sig), stdVerify(pub, msg, sig); got != want {
			t.Errorf("verifyEd25519(%x, %x, %x) = %t, crypto/ed25519.Verify = %t", pub, msg, sig, got, want)
		}
	})
}

// Ed25519 tokens are verified by ed25519Verifier, not by go-jose's call to crypto/ed25519 (whose first
// Verify builds the base-point table on the authorizer's cold start); other keys go to go-jose as
// they are.
func TestEd25519KeysVerifyWithoutTheBasePointTable(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := joseKey(VerificationKey{Algorithm: EdDSA, Key: pub}).(ed25519Verifier); !ok {
		t.Errorf("joseKey(Ed25519) = %T, want ed25519Verifier", joseKey(VerificationKey{Key: pub}))
	}
	if k := joseKey(VerificationKey{Algorithm: "RS256", Key: "rsa"}); k != "rsa" {
		t.Errorf("joseKey(RSA) = %v, want the key itself", k)
	}
}
