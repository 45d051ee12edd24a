package commerce

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// NewOrderToken returns a fresh order token, 256 random bits in base64url, and its hash (see
// OrderTokenHash), the only form that is stored. The token lets whoever holds it read one order
// without an account; the checkout answers it once.
func NewOrderToken() (token, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+): it crashes the program instead
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, OrderTokenHash(token)
}

// OrderTokenHash is the stored form of an order token: its SHA-256 in lower-case hex. A token has
// 256 bits of entropy, so an unsalted fast hash is enough: nothing can be guessed from it.
func OrderTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// OrderTokenMatches reports, in constant time, whether token hashes to storedHash.
func OrderTokenMatches(token, storedHash string) bool {
	if token == "" || storedHash == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(OrderTokenHash(token)), []byte(storedHash)) == 1
}
