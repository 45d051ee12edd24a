package assistantchat

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// terms splits text into the index's terms: lower-cased words and model codes (x8, th640, 4g) with
// English stop words dropped and every word stemmed (Snowball English: "inspections" and "inspecting"
// both become "inspect"). A hyphenated code also yields its parts ("fixed-wing" -> "fix", "wing").
func terms(text string) []string { return termsBy(text, term) }

// termsBy is terms with the given term function.
func termsBy(text string, term func(string) string) []string {
	var out []string
	for _, w := range words(text) {
		if t := term(w); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// stemmer memoizes term over one index build: NewIndex stems every word of every product and of the
// synonym groups, which repeat their words, and each Snowball stem allocates. On the seeded catalog
// it cut the index build, which every cold start's first chat waits for, from ~1.15 to ~0.73 ms and
// from 3400 to 2500 allocations (BenchmarkNewIndex).
type stemmer map[string]string

func (s stemmer) term(w string) string {
	t, ok := s[w]
	if !ok {
		t = term(w)
		s[w] = t
	}
	return t
}

func (s stemmer) terms(text string) []string { return termsBy(text, s.term) }

// words splits text at everything but letters and digits, lower-cased.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// term is the index term of one lower-case word, "" for a stop word.
func term(w string) string {
	if stopWords[w] {
		return ""
	}
	if strings.ContainsFunc(w, unicode.IsDigit) {
		return w // model codes and numbers stay as written: x8, 640, 4g
	}
	if len(w) < 2 {
		return ""
	}
	return english.Stem(w, false)
}

// stopWords are English function words and the words every question has ("which", "need") that
// would otherwise weigh on the ranking, plus the shop's name, which every product carries.
var stopWords = setOf(`a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under
until up very was we were what when where which while who whom why will with would you your yours
yourself yourselves want need looking look recommend suggest get got give tell show please thanks thank
hi hello hey best good great octo also something anything one ones like much many use using used`)

func setOf(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
