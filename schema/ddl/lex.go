package ddl

import (
	"fmt"
	"strings"
)

// tokenKind classifies a lexical token of the DDL subset.
type tokenKind int

const (
	tokWord   tokenKind = iota // identifier or keyword, stored lower-case
	tokString                  // '...' literal, stored verbatim with its quotes
	tokNumber                  // unsigned numeric literal
	tokPunct                   // ( ) , ; and operators
)

// token is one lexical unit with its byte offsets in the source.
type token struct {
	kind  tokenKind
	text  string
	start int
	end   int
}

// is reports whether t is the word w (w given in lower case).
func (t token) is(w string) bool { return t.kind == tokWord && t.text == w }

// lex splits src into tokens, dropping whitespace and comments.
// Quoted identifiers are refused: the schema uses plain (case-insensitive) names only.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(src[i:], "--"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, fmt.Errorf("offset %d: unterminated comment", i)
			}
			i += end + 4
		case c == '\'':
			j := i + 1
			for {
				if j >= len(src) {
					return nil, fmt.Errorf("offset %d: unterminated string literal", i)
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			toks = append(toks, token{kind: tokString, text: src[i : j+1], start: i, end: j + 1})
			i = j + 1
		case c == '"':
			return nil, fmt.Errorf("offset %d: quoted identifiers are not allowed", i)
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			toks = append(toks, token{kind: tokWord, text: strings.ToLower(src[i:j]), start: i, end: j})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tokNumber, text: src[i:j], start: i, end: j})
			i = j
		default:
			n := punctLen(src[i:])
			if n == 0 {
				return nil, fmt.Errorf("offset %d: unexpected character %q", i, c)
			}
			toks = append(toks, token{kind: tokPunct, text: src[i : i+n], start: i, end: i + n})
			i += n
		}
	}
	return toks, nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' || c == '#'
}

// punctLen returns the length of the operator or punctuation at the start of s, 0 if none.
func punctLen(s string) int {
	for _, op := range []string{"<=", ">=", "<>", "!=", "||"} {
		if strings.HasPrefix(s, op) {
			return 2
		}
	}
	if strings.ContainsRune("(),;=<>+-*/%.", rune(s[0])) {
		return 1
	}
	return 0
}

// Split cuts a DDL script into statements at top-level semicolons, ignoring semicolons inside string
// literals and comments. Each statement is returned without its terminating semicolon and without
// leading comments. A script whose last statement lacks its semicolon is an error: it usually means a
// truncated file.
func Split(src string) ([]string, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	var out []string
	first := -1
	for _, t := range toks {
		if t.kind == tokPunct && t.text == ";" {
			if first < 0 {
				return nil, fmt.Errorf("split: empty statement at offset %d", t.start)
			}
			out = append(out, strings.TrimSpace(src[first:t.start]))
			first = -1
			continue
		}
		if first < 0 {
			first = t.start
		}
	}
	if first >= 0 {
		return nil, fmt.Errorf("split: statement at offset %d is not terminated by a semicolon", first)
	}
	return out, nil
}

// normalize renders tokens in a canonical form (lower-case words, single spaces, no space inside
// parentheses or before commas) so that equal expressions compare equal whatever their layout.
func normalize(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			prev := toks[i-1]
			glue := prev.text == "(" || t.text == ")" || t.text == "," ||
				t.text == "(" && prev.kind == tokWord && !isOperatorWord(prev.text)
			if !glue {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// isOperatorWord reports whether a word is a keyword that may precede a parenthesised list
// (so "in (" keeps its space while a function call "lower(" does not).
func isOperatorWord(w string) bool {
	switch w {
	case "in", "and", "or", "not", "is", "then", "else", "when", "as", "between", "on", "key", "exists":
		return true
	}
	return false
}
