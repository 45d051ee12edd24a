package commerce

import "testing"

func TestOrderTokens(t *testing.T) {
	token, hash := NewOrderToken()
	other, _ := NewOrderToken()
	if len(token) != 43 || token == other {
		t.Fatalf("tokens %q and %q: want distinct 256-bit base64url tokens", token, other)
	}
	if hash != OrderTokenHash(token) || len(hash) != 64 || hash == token {
		t.Fatalf("hash %q is not the SHA-256 hex of the token", hash)
	}
	for _, tc := range []struct {
		name, token, hash string
		want              bool
	}{
		{"own_token_matches", token, hash, true},
		{"other_token_does_not", other, hash, false},
		{"empty_token_does_not", "", OrderTokenHash(""), false},
		{"order_without_token_does_not", token, "", false},
		{"the_hash_itself_does_not", hash, hash, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := OrderTokenMatches(tc.token, tc.hash); got != tc.want {
				t.Fatalf("OrderTokenMatches = %v, want %v", got, tc.want)
			}
		})
	}
}
