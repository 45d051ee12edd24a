package shape

import (
	"regexp"
	"strings"
	"testing"
)

// specs are the regular expressions the shapes replaced: each shape must accept exactly what its
// expression accepts.
var specs = []struct {
	name string
	re   *regexp.Regexp
	fn   func(string) bool
}{
	{"request id", regexp.MustCompile(`^[A-Za-z0-9._:-]{8,128}$`), func(s string) bool { return Token(s, 8, 128) }},
	{"session id", regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`), func(s string) bool { return Token(s, 1, 128) }},
	{"cart id", regexp.MustCompile(`^[0-9a-f]{32}$`), func(s string) bool { return LowerHex(s, 32) }},
	{"coupon code", regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,63}$`), func(s string) bool { return Code(s, 64) }},
	{"function name", regexp.MustCompile(`^[a-z][a-z0-9-]{0,62}$`), func(s string) bool { return Name(s, 63) }},
	{"path segment", regexp.MustCompile(`^([A-Za-z0-9._~-]+|\{[a-z][a-z_0-9]*\})$`), PathSegment},
	{"origin", regexp.MustCompile(`^https?://[a-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9a-f:.]+\](:[0-9]{1,5})?$`), Origin},
}

// seeds are inputs on and around every shape's edges.
var seeds = []string{
	"", "a", "A", "0", "-", "_", ".", ":", "~", "{", "}", "{}", "{a}", "{A}", "{_a}", "{a_1}", "{a-b}", "{a}}",
	"abcdefg", "abcdefgh", "abc.def:gh-ij_k", "abc def gh", "abcdefgh\n", "ab\x00cdefgh", "é-abcdefgh",
	strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("Z", 64), strings.Repeat("Z", 65),
	strings.Repeat("a", 63), strings.Repeat("a", 64), "a-", "a-1", "1a", "-a", "aB",
	"0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcde",
	"WELCOME10", "welcome10", "_X", "X_", "X-Y", "X Y",
	"products", "products.json", "a~b", "a/b", "a%20b", "api",
	"http://localhost", "https://shop.example.com", "http://localhost:3000", "http://localhost:123456",
	"http://localhost:", "http://", "https://", "ftp://x", "http://x/", "http://x/path", "http://u@x",
	"HTTP://X", "http://[::1]", "http://[::1]:8080", "http://[::1", "http://[]", "http://[::1]x",
	"http://[::1]:", "https://[fe80::1%25en0]", "http://a:b:c", "http://.:1", "http://x?:1",
}

func TestShapesMatchTheExpressionsTheyReplace(t *testing.T) {
	for _, sp := range specs {
		for _, s := range seeds {
			if got, want := sp.fn(s), sp.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the expression says %v", sp.name, s, got, want)
			}
		}
	}
}

func FuzzShapes(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sp := range specs {
			if got, want := sp.fn(s), sp.re.MatchString(s); got != want {
				t.Fatalf("%s(%q) = %v, the expression says %v", sp.name, s, got, want)
			}
		}
	})
}

func TestOf(t *testing.T) {
	c := Of("a-c.-")
	for b := range 256 {
		want := strings.IndexByte("abc.-", byte(b)) >= 0
		if c.Has(byte(b)) != want {
			t.Errorf("Of(%q).Has(%q) = %v", "a-c.-", byte(b), !want)
		}
	}
	for _, bad := range []string{"z-a", "a-\xff", "\x80"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Of(%q) did not panic", bad)
				}
			}()
			Of(bad)
		}()
	}
}
