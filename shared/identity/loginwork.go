package identity

import "golang.org/x/crypto/bcrypt"

// HashWork names one password-hash computation of CheckLogin.
type HashWork string

// The kinds of hash work a login spends.
const (
	WorkArgon2id HashWork = "argon2id"
	WorkBcrypt   HashWork = "bcrypt"
)

// DummyBcryptCost is the work factor of the bcrypt dummy: the seed's and the other OCTO apps' cost.
const DummyBcryptCost = 10

// dummyBcrypt is a bcrypt hash (DummyBcryptCost) of a random password nobody knows.
const dummyBcrypt = "$2a$10$7WoKy/A/H6ZxUqG.KvDto.kC7Sc/fMcbclNtKL09aO8InR/W7B9WW"

// CheckLogin checks password against the stored hash of the account (found false: there is no
// account) and spends the same work whatever the account: exactly one argon2id computation at
// HashPassword's parameters and one bcrypt at DummyBcryptCost, the account's real check plus a dummy
// of the other kind, or two dummies for an unknown email. The users table is shared with apps that
// still write bcrypt, so checking only the stored kind would tell bcrypt accounts (slower), argon2id
// accounts and unknown emails apart by time. count, when not nil, is called for each computation (the
// test that proves the equal work counts them).
func CheckLogin(stored string, found bool, password string, count func(HashWork)) (ok, rehash bool, err error) {
	note := func(w HashWork) {
		if count != nil {
			count(w)
		}
	}
	kind := WorkArgon2id
	if found && isBcrypt(stored) {
		kind = WorkBcrypt
	}
	if found {
		ok, rehash, err = CheckPassword(stored, password)
	} else {
		_, _, _ = CheckPassword(dummyHash, password)
	}
	note(kind)
	if kind == WorkBcrypt {
		CheckNoPassword(password)
		note(WorkArgon2id)
	} else {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyBcrypt), []byte(password))
		note(WorkBcrypt)
	}
	return ok, rehash, err
}

func isBcrypt(h string) bool {
	return len(h) > 4 && h[0] == '$' && h[1] == '2' && (h[2] == 'a' || h[2] == 'b' || h[2] == 'y') && h[3] == '$'
}
