package serve

import (
	"encoding/base64"
	"encoding/json"
	"testing"
)

// lambdaCost is what a body takes of Lambda's JSON response: exactly its length as encoding/json
// writes it as a string, or as base64 when that is longer; and what parts of a body cost adds up to
// at least what the whole costs, so an export may sum its rows' costs.
func FuzzLambdaCost(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted","cells"`, "line\r\nbreak\ttab\b\f", "\x00\x01\x1f",
		"<script>&amp;</script>", "é€😀", "\u2028\u2029", "\xff\xfe invalid", "a\xe2\x82"} {
		f.Add([]byte(s), len(s)/2)
	}
	f.Fuzz(func(t *testing.T, p []byte, cut int) {
		str, err := json.Marshal(string(p))
		if err != nil {
			t.Fatal(err)
		}
		want := max(len(str)-2, base64.StdEncoding.EncodedLen(len(p)))
		if got := lambdaCost(p); got != want {
			t.Fatalf("lambdaCost(%q) = %d, want %d (JSON string %d, base64 %d)", p, got, want, len(str)-2, base64.StdEncoding.EncodedLen(len(p)))
		}
		if cut < 0 || cut > len(p) {
			return
		}
		if a, b, whole := lambdaCost(p[:cut]), lambdaCost(p[cut:]), lambdaCost(p); a+b < whole {
			t.Fatalf("parts of %q at %d cost %d+%d, less than the whole's %d", p, cut, a, b, whole)
		}
	})
}
