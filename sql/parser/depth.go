package parser

import (
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// PostgreSQL's parser and the protobuf output of its tree recurse on the
// C stack of the calling thread, which cgo cannot grow or recover: a
// chain of a hundred thousand "+ 1" overflows it and kills the process.
// PostgreSQL itself refuses such statements ("stack depth limit
// exceeded", 54001, already at about ten thousand). So before parsing, a
// lexical pass bounds the depth the tree can have: each open parenthesis
// adds a level, and each binary operator inside a list item nests its
// left side one level deeper (a comma starts a new item). AND and OR
// chains are flat lists in PostgreSQL's tree and are not counted.

// maxParseDepth is the deepest tree the estimate lets through; well
// below what overflows the C stack, a little below PostgreSQL's own
// limit with its default max_stack_depth.
const maxParseDepth = 5000

// CheckDepth is the bound Parse applies, for a caller that hands text
// to pg_query itself.
func CheckDepth(sql string) error { return checkDepth(sql) }

func checkDepth(sql string) error {
	type level struct{ ops int }
	levels := []level{{}}
	parens, max := 0, 0
	depth := func() int { return parens + levels[len(levels)-1].ops }
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '\'' || c == '"':
			i = skipQuoted(sql, i, c)
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			i = skipComment(sql, i)
		case c == '$':
			i = skipDollar(sql, i)
		case c == '(' || c == '[':
			parens++
			levels = append(levels, level{})
		case c == ')' || c == ']':
			if len(levels) > 1 {
				parens--
				levels = levels[:len(levels)-1]
			}
		case c == ',' || c == ';':
			levels[len(levels)-1].ops = 0
		case isOpChar(c):
			for i+1 < len(sql) && isOpChar(sql[i+1]) {
				i++
			}
			levels[len(levels)-1].ops++
		}
		if d := depth(); d > max {
			max = d
			if max > maxParseDepth {
				return pgerror.New(pgcode.StatementTooComplex, "stack depth limit exceeded").
					WithHint("The statement nests expressions too deeply; simplify it.")
			}
		}
	}
	return nil
}

func isOpChar(c byte) bool {
	switch c {
	case '+', '-', '*', '/', '<', '>', '=', '~', '!', '@', '#', '%', '^', '&', '|', '`', '?', ':':
		return true
	}
	return false
}

// skipQuoted returns the index of the quote closing the one at i (a
// doubled quote is part of the text; E” strings may escape with a
// backslash, which at worst ends the skip early: the estimate stays
// conservative enough for its purpose).
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == '\\' && q == '\'' && i > 0 && (s[i-1] == 'E' || s[i-1] == 'e') {
			j++
			continue
		}
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// skipComment skips a (nesting) block comment starting at i.
func skipComment(s string, i int) int {
	nest := 0
	for j := i; j+1 < len(s); j++ {
		switch {
		case s[j] == '/' && s[j+1] == '*':
			nest++
			j++
		case s[j] == '*' && s[j+1] == '/':
			nest--
			j++
			if nest == 0 {
				return j
			}
		}
	}
	return len(s)
}

// skipDollar skips a dollar-quoted string $tag$...$tag$ starting at i; a
// $ that opens none ($1, a parameter) is left alone.
func skipDollar(s string, i int) int {
	j := i + 1
	for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' && j > i+1) {
		j++
	}
	if j >= len(s) || s[j] != '$' {
		return i
	}
	tag := s[i : j+1]
	for k := j + 1; k+len(tag) <= len(s); k++ {
		if s[k:k+len(tag)] == tag {
			return k + len(tag) - 1
		}
	}
	return len(s)
}
