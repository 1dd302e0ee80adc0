package parser

import (
	"strconv"
	"strings"
)

// Literal masking for the parse cache (cache.go). Two query strings that
// differ only in the values of their plain literals (WHERE id = 42 and
// WHERE id = 97) parse to the same tree but for those values, and, when
// each literal has the same length in both, the same byte offsets. So
// maskLiterals replaces each literal's content by a placeholder of the
// same length: the result is the key both strings share.
//
// This is a deliberately small lexer: it recognizes plain numbers and
// standard '...' strings and gives up (ok false) on anything whose
// bounds it might read differently from PostgreSQL's lexer (dollar
// quotes, E'...', prefixed or glued strings, numbers glued to a word).
// The cache still checks, on every tree it keeps, that each literal
// found here is exactly one A_Const of the same value at the same offset.

// literal is one literal of a query string.
type literal struct {
	start, end int // byte offsets of the token (quotes included)
	kind       byte
	// value is the literal's value: the number's text or the string's
	// content with '' undone.
	value string
}

// Literal kinds. A number's kind is the token PostgreSQL's lexer makes
// of it: an integer that fits in 32 bits is an Integer node, any other
// number a Float (its text).
const (
	litInt    = 'i'
	litFloat  = 'f'
	litString = 's'
)

// maxMaskedLength bounds the query strings maskLiterals looks at.
const maxMaskedLength = 8 << 10

// isIdentByte reports whether b may continue an identifier or keyword.
func isIdentByte(b byte) bool {
	return b == '_' || b == '$' || b >= 0x80 || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// maskLiterals returns sql with every literal's content masked (digits
// of integers '0', of other numbers '9', string contents 'x', lengths
// kept) and the literals in order; ok is false if sql holds anything
// the lexer here does not read with certainty.
func maskLiterals(sql string) (key string, lits []literal, ok bool) {
	if len(sql) > maxMaskedLength {
		return "", nil, false
	}
	var b strings.Builder
	b.Grow(len(sql))
	i := 0
	for i < len(sql) {
		c := sql[i]
		switch {
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			end := strings.IndexByte(sql[i:], '\n')
			if end < 0 {
				end = len(sql) - i
			}
			b.WriteString(sql[i : i+end])
			i += end
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end, good := commentEnd(sql, i)
			if !good {
				return "", nil, false
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '"':
			end := quotedEnd(sql, i, '"')
			if end < 0 {
				return "", nil, false
			}
			b.WriteString(sql[i:end])
			i = end
		case c == '\'':
			if i > 0 && isIdentByte(sql[i-1]) {
				return "", nil, false // E'', B'', X'', N'', U&'' or glued
			}
			end := quotedEnd(sql, i, '\'')
			if end < 0 {
				return "", nil, false
			}
			lits = append(lits, literal{start: i, end: end, kind: litString,
				value: strings.ReplaceAll(sql[i+1:end-1], "''", "'")})
			b.WriteByte('\'')
			for range end - i - 2 {
				b.WriteByte('x')
			}
			b.WriteByte('\'')
			i = end
		case c == '$':
			if i+1 < len(sql) && isDigit(sql[i+1]) {
				j := i + 1
				for j < len(sql) && isDigit(sql[j]) {
					j++
				}
				b.WriteString(sql[i:j])
				i = j
				continue
			}
			return "", nil, false // a dollar quote
		case isDigit(c) || c == '.' && i+1 < len(sql) && isDigit(sql[i+1]):
			if i > 0 && sql[i-1] == '.' {
				return "", nil, false
			}
			end, kind, good := numberEnd(sql, i)
			if !good {
				return "", nil, false
			}
			lits = append(lits, literal{start: i, end: end, kind: kind, value: sql[i:end]})
			mask := byte('0')
			if kind == litFloat {
				mask = '9'
			}
			for j := i; j < end; j++ {
				if isDigit(sql[j]) {
					b.WriteByte(mask)
				} else {
					b.WriteByte(sql[j])
				}
			}
			i = end
		case isIdentByte(c):
			j := i + 1
			for j < len(sql) && isIdentByte(sql[j]) {
				j++
			}
			b.WriteString(sql[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), lits, true
}

// commentEnd returns the end of the (nested) block comment at i.
func commentEnd(sql string, i int) (int, bool) {
	depth := 0
	for i+1 < len(sql) {
		switch {
		case sql[i] == '/' && sql[i+1] == '*':
			depth++
			i += 2
		case sql[i] == '*' && sql[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return 0, false
}

// quotedEnd returns the end of the quoted token at i (q doubled inside
// stands for itself), or -1 if it is not closed.
func quotedEnd(sql string, i int, q byte) int {
	for j := i + 1; j < len(sql); j++ {
		if sql[j] != q {
			continue
		}
		if j+1 < len(sql) && sql[j+1] == q {
			j++
			continue
		}
		return j + 1
	}
	return -1
}

// numberEnd scans the number at i: digits, a fraction, an exponent. A
// number glued to a word or a dot (1_000, 0x1f, 1e, 1..2) is not read.
func numberEnd(sql string, i int) (end int, kind byte, ok bool) {
	j := i
	for j < len(sql) && isDigit(sql[j]) {
		j++
	}
	kind = litInt
	if j < len(sql) && sql[j] == '.' {
		kind = litFloat
		j++
		for j < len(sql) && isDigit(sql[j]) {
			j++
		}
	}
	if j < len(sql) && (sql[j] == 'e' || sql[j] == 'E') {
		kind = litFloat
		j++
		if j < len(sql) && (sql[j] == '+' || sql[j] == '-') {
			j++
		}
		if j >= len(sql) || !isDigit(sql[j]) {
			return 0, 0, false
		}
		for j < len(sql) && isDigit(sql[j]) {
			j++
		}
	}
	if j < len(sql) && (isIdentByte(sql[j]) || sql[j] == '.') {
		return 0, 0, false
	}
	if kind == litInt {
		if _, err := strconv.ParseInt(sql[i:j], 10, 32); err != nil {
			kind = litFloat
		}
	}
	return j, kind, true
}
