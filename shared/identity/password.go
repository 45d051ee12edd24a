package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/octo-drone-shop/serverless/shared/apperr"
)

// Password length bounds, in characters. No composition rules (NIST SP 800-63B): length is what
// makes a password strong; the upper bound caps hashing cost.
const (
	MinPasswordLength = 12
	MaxPasswordLength = 128
)

// Argon2id parameters of new hashes: OWASP's recommended minimum configuration (19 MiB, 2 passes,
// 1 lane), about 30-50 ms on one core, which fits a 256 MB function serving one request at a time.
// They are recorded in each hash (PHC string format), so raising them later only makes old hashes
// report NeedsRehash.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltBytes = 16
	argonKeyBytes  = 32
)

// Bounds on the parameters of a stored hash, so a corrupt row cannot make verification allocate
// gigabytes.
const (
	maxArgonMemoryKiB = 256 * 1024
	maxArgonTime      = 10
	maxArgonThreads   = 8
)

// ErrUnknownHash reports a stored hash in a format CheckPassword does not know.
var ErrUnknownHash = errors.New("identity: unknown password hash format")

// CheckPasswordPolicy reports whether a new password is acceptable.
func CheckPasswordPolicy(password string) error {
	n := utf8.RuneCountInString(password)
	if !utf8.ValidString(password) || n < MinPasswordLength || n > MaxPasswordLength {
		return apperr.E("identity.CheckPasswordPolicy", apperr.Invalid,
			fmt.Sprintf("password must be %d to %d characters", MinPasswordLength, MaxPasswordLength)).WithCode("weak_password")
	}
	return nil
}

// HashPassword returns the argon2id hash of password in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (salt and key unpadded base64).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("identity.HashPassword: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches the stored hash (argon2id PHC or bcrypt), comparing
// in constant time. rehash is true when the hash should be replaced by HashPassword's (bcrypt, or
// argon2id with other parameters). err is non-nil only for a hash it cannot read.
func CheckPassword(stored, password string) (ok, rehash bool, err error) {
	switch {
	case strings.HasPrefix(stored, "$argon2id$"):
		return checkArgon2id(stored, password)
	case strings.HasPrefix(stored, "$2a$"), strings.HasPrefix(stored, "$2b$"), strings.HasPrefix(stored, "$2y$"):
		err := bcrypt.CompareHashAndPassword([]byte(stored), []byte(password))
		switch {
		case err == nil:
			return true, true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword), errors.Is(err, bcrypt.ErrPasswordTooLong):
			return false, false, nil
		default:
			return false, false, fmt.Errorf("identity.CheckPassword: bcrypt: %w", err)
		}
	}
	return false, false, ErrUnknownHash
}

func checkArgon2id(stored, password string) (ok, rehash bool, err error) {
	const op = "identity.CheckPassword"
	parts := strings.Split(stored, "$") // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 {
		return false, false, fmt.Errorf("%s: %w: argon2id hash has %d fields", op, ErrUnknownHash, len(parts))
	}
	var version int
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, false, fmt.Errorf("%s: %w: argon2 version %q", op, ErrUnknownHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil ||
		memory < 8 || memory > maxArgonMemoryKiB || passes < 1 || passes > maxArgonTime || threads < 1 || threads > maxArgonThreads {
		return false, false, fmt.Errorf("%s: %w: argon2 parameters %q", op, ErrUnknownHash, parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, false, fmt.Errorf("%s: %w: salt: %w", op, ErrUnknownHash, err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, false, fmt.Errorf("%s: %w: key", op, ErrUnknownHash)
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	ok = subtle.ConstantTimeCompare(got, want) == 1
	rehash = memory != argonMemoryKiB || passes != argonTime || threads != argonThreads || len(want) != argonKeyBytes
	return ok, rehash, nil
}

// dummyHash is the argon2id hash (HashPassword's parameters) of a random password nobody knows.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$kj+qbBMFuatU+EU3CSzbYg$m4+ij34fcMsI9Yn8E+5bKUNhF5Y7bW0zWJ3Vlp0v1es"

// CheckNoPassword spends the time CheckPassword takes on a current hash. A login for an unknown email
// calls it, so that the answer takes as long as for a wrong password.
func CheckNoPassword(password string) {
	_, _, _ = CheckPassword(dummyHash, password) // the outcome is irrelevant: only the work counts
}
