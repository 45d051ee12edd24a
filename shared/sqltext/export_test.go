package sqltext

import (
	"slices"
	"strconv"
	"strings"
)

// What the external fuzz test (translate_fuzz_test.go, package sqltext_test, which may import the
// sqlite package that itself imports this one) needs of the lexer.

// ExpectedLiterals returns the string literals the translation of in should have.
func ExpectedLiterals(in string) []string { return expectedLiterals(lex(in)) }

// Literals returns the string literals of s, sorted.
func Literals(s string) []string { return literals(lex(s)) }

// Binds returns the named binds, positional bind numbers and RETURNING ... INTO binds of s.
func Binds(s string) (named, positional, into []string) { return binds(lex(s)) }

// expectedLiterals is what literals should find in the translation of toks: its own, and those of
// the SQLite expression each SYSTIMESTAMP becomes.
func expectedLiterals(toks []token) []string {
	out := literals(toks)
	for _, t := range toks {
		if t.is("SYSTIMESTAMP") {
			out = append(out, literals(lex(NowSQL))...)
		}
	}
	slices.Sort(out)
	return out
}

// literals returns the string literals of toks, sorted (a MERGE's rewrite may reorder them).
func literals(toks []token) []string {
	var out []string
	for _, t := range toks {
		if t.kind == tokString {
			out = append(out, t.text)
		}
	}
	slices.Sort(out)
	return out
}

// binds returns the distinct named binds, the distinct positional bind numbers (":3" and "?3" are
// both "3") and the binds after a RETURNING ... INTO (names and numbers), each sorted.
func binds(toks []token) (named, positional, into []string) {
	inInto := false
	for i, t := range toks {
		if t.is("RETURNING") {
			inInto = false
		}
		if t.is("INTO") && slices.ContainsFunc(toks[:i], func(t token) bool { return t.is("RETURNING") }) {
			inInto = true
		}
		if t.kind != tokBind || len(t.text) < 2 {
			continue
		}
		name := t.text[1:]
		if _, err := strconv.Atoi(name); err != nil {
			named = append(named, name)
			if inInto {
				into = append(into, name)
			}
			continue
		}
		positional = append(positional, strings.TrimLeft(name, "0"))
		if inInto {
			into = append(into, strings.TrimLeft(name, "0"))
		}
	}
	for _, s := range []*[]string{&named, &positional, &into} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return named, positional, into
}
