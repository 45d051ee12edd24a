package sqltext

import (
	"strings"
)

// tokKind classifies a lexical token of a SQL statement.
type tokKind uint8

const (
	tokSpace   tokKind = iota // white space
	tokComment                // -- to end of line, or /* ... */
	tokWord                   // keyword or unquoted identifier
	tokQuoted                 // "quoted identifier"
	tokString                 // 'string literal' ('' escapes a quote)
	tokNumber                 // numeric literal
	tokBind                   // :1 or :name (Oracle), ?1 (SQLite)
	tokPunct                  // any other single character
)

// token is one lexical unit; text is its exact source text.
type token struct {
	kind tokKind
	text string
}

// significant reports whether t takes part in the grammar (not white space or a comment).
func (t token) significant() bool { return t.kind != tokSpace && t.kind != tokComment }

// is reports whether t is the keyword kw (case-insensitive; kw is given in upper case).
func (t token) is(kw string) bool { return t.kind == tokWord && strings.EqualFold(t.text, kw) }

// punct reports whether t is the punctuation character c.
func (t token) punct(c byte) bool { return t.kind == tokPunct && t.text[0] == c }

// lex splits a statement into tokens. Concatenating the texts gives the input back exactly, so a
// translation that touches only some tokens leaves everything else (spacing, comments, literals)
// unchanged. Unterminated literals and comments run to the end of the input.
func lex(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		start := i
		c := s[i]
		var k tokKind
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			k = tokSpace
			for i < len(s) && strings.IndexByte(" \t\n\r\f", s[i]) >= 0 {
				i++
			}
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			k = tokComment
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(s)
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			k = tokComment
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				i += j + 4
			} else {
				i = len(s)
			}
		case c == '\'' || c == '"':
			k = tokString
			if c == '"' {
				k = tokQuoted
			}
			i++
			for i < len(s) {
				if s[i] == c {
					if i+1 < len(s) && s[i+1] == c {
						i += 2
						continue
					}
					i++
					break
				}
				i++
			}
		case c == ':' && i+1 < len(s) && isWordByte(s[i+1]):
			k = tokBind
			i++
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		case c == '?' && i+1 < len(s) && isDigit(s[i+1]):
			k = tokBind
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			k = tokNumber
			for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
				i++
			}
		case isWordStart(c):
			k = tokWord
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
		default:
			k = tokPunct
			i++
		}
		toks = append(toks, token{kind: k, text: s[start:i]})
	}
	return toks
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isWordStart accepts letters, '_' and any byte of a multi-byte UTF-8 sequence (identifiers in other
// scripts are kept whole; they are never keywords).
func isWordStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}

// isWordByte accepts the bytes Oracle allows after the first in an unquoted identifier.
func isWordByte(c byte) bool { return isWordStart(c) || isDigit(c) || c == '$' || c == '#' }

// join concatenates the texts of toks.
func join(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// nextSig returns the index of the first significant token at or after i, or len(toks).
func nextSig(toks []token, i int) int {
	for i < len(toks) && !toks[i].significant() {
		i++
	}
	return i
}

// trim drops leading and trailing white space and comments.
func trim(toks []token) []token {
	for len(toks) > 0 && !toks[0].significant() {
		toks = toks[1:]
	}
	for len(toks) > 0 && !toks[len(toks)-1].significant() {
		toks = toks[:len(toks)-1]
	}
	return toks
}

// matchParen returns the index of the ')' closing the '(' at toks[open], or -1.
func matchParen(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch {
		case toks[i].punct('('):
			depth++
		case toks[i].punct(')'):
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// splitTop splits toks at the separator tokens for which sep returns true, outside parentheses.
func splitTop(toks []token, sep func(token) bool) [][]token {
	var parts [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.punct('('):
			depth++
		case t.punct(')'):
			depth--
		case depth == 0 && sep(t):
			parts = append(parts, toks[start:i])
			start = i + 1
		}
	}
	return append(parts, toks[start:])
}

func isComma(t token) bool { return t.punct(',') }
