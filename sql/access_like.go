package sql

import (
	"unicode/utf8"

	"github.com/stela-db/stela/engine/keyenc"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// LIKE as an index range: every string that matches "col LIKE 'abc%'"
// starts with the pattern's fixed prefix "abc", so it lies in the key
// range [abc, abd) of an index on col, and a pattern with no wildcard
// at all is an equality. PostgreSQL derives the same bounds
// (like_support.c) for an index whose collation sorts bytewise (C, or
// text_pattern_ops); stela's strings always do, so every index on a
// text or varchar column serves. The bounds are implied (colPred.implied):
// the LIKE itself stays the scan's filter, since the range holds the
// strings that merely start with the prefix ('abcx' for 'abc%d'), and a
// pattern the range matches exactly loses nothing by being tested again.
//
// ILIKE's prefix ends before the first letter or non-ASCII character:
// those match other cases, but the ASCII characters that are not letters
// match only themselves (nothing lower-cases to them). No range is made
// for NOT LIKE, a pattern that starts with a wildcard (its prefix is
// empty: the range would be the whole index) or a bpchar column (its
// key drops the padding LIKE sees). A pattern known only when the
// statement runs gets bounds computed then (access_like_param.go).

// likeColPreds returns the bounds "col ~~ pattern" (or ~~*) implies on
// a text or varchar column. For a constant pattern: col = prefix for a
// pattern without wildcards, else col >= prefix and, when the prefix
// has a successor, col < it.
func likeColPreds(e expr.Expr) []colPred {
	f, ok := e.(*expr.Func)
	if !ok || (f.Name != "~~" && f.Name != "~~*") || len(f.Args) != 2 {
		return nil
	}
	c, ok := stripNoopCast(f.Args[0]).(*expr.ColRef)
	if !ok || !bytewiseStringColumn(c.T) {
		return nil
	}
	pattern, ok := likePattern(f.Args[1])
	if !ok {
		return likeParamPreds(c, f.Args[1], f.Name == "~~*")
	}
	prefix, rest, ok := likePrefix(pattern, f.Name == "~~*")
	exact := rest == ""
	if !ok || (prefix == "" && !exact) {
		return nil
	}
	bound := func(op, v string) colPred {
		return colPred{col: c.Idx, op: op, vals: []expr.Expr{&expr.Const{T: types.Text, V: v, Loc: -1}}, implied: true}
	}
	if exact {
		return []colPred{bound("=", prefix)}
	}
	out := []colPred{bound(">=", prefix)}
	if succ, ok := prefixSuccessor(prefix); ok {
		out = append(out, bound("<", succ))
	}
	return out
}

// bytewiseStringColumn reports whether a column's values are the
// strings LIKE matches and its keys order them bytewise, as a text
// bound's do: text and varchar (bpchar's keys drop its padding).
func bytewiseStringColumn(t *types.T) bool {
	return t != nil && (t.Oid == types.Text.Oid || t.Oid == types.Varchar.Oid) && keyenc.SameEncoding(t, types.Text)
}

// likePattern returns a LIKE's pattern when it is known while planning:
// a non-NULL text constant, or like_escape of such (the rewrite of
// LIKE ... ESCAPE, expr/like_escape.go) applied now. An escape that
// would fail gives no pattern: the error is the LIKE's to raise.
func likePattern(e expr.Expr) (string, bool) {
	if f, ok := e.(*expr.Func); ok && f.Name == "like_escape" && len(f.Args) == 2 {
		pattern, ok1 := likePattern(f.Args[0])
		esc, ok2 := likePattern(f.Args[1])
		if !ok1 || !ok2 {
			return "", false
		}
		s, err := expr.LikeEscape(pattern, esc)
		return s, err == nil
	}
	k, ok := e.(*expr.Const)
	if !ok {
		return "", false
	}
	s, ok := k.V.(string)
	return s, ok
}

// likePrefix splits a LIKE pattern whose escape is the backslash into
// its fixed prefix, the characters before the first unescaped % or _
// with the escapes removed ('a\%b%' has prefix 'a%b'), and the rest of
// the pattern from that wildcard on (empty: the pattern matches the
// prefix only). For ILIKE (fold) the prefix also stops before a letter
// or a non-ASCII character, whose case varies (like_fixed_prefix). A
// trailing escape ends the prefix; ok is false for a pattern that is
// not valid UTF-8.
func likePrefix(pattern string, fold bool) (prefix, rest string, ok bool) {
	if !utf8.ValidString(pattern) {
		return "", "", false
	}
	b := make([]byte, 0, len(pattern))
	for i := 0; i < len(pattern); i++ {
		ch := pattern[i]
		if ch == '%' || ch == '_' {
			return string(b), pattern[i:], true
		}
		at := i
		if ch == '\\' {
			// The escaped character is taken whole: a multibyte one's
			// continuation bytes are never '%', '_' or '\'.
			if i++; i == len(pattern) {
				// As PostgreSQL's like_fixed_prefix: a trailing
				// escape ends the pattern. Only a string longer than
				// the prefix reaches it in LIKE (and an error), so
				// the prefix alone is the pattern's one match.
				return string(b), "", true
			}
			ch = pattern[i]
		}
		if fold && (ch >= utf8.RuneSelf || 'a' <= ch|0x20 && ch|0x20 <= 'z') {
			return string(b), pattern[at:], true
		}
		b = append(b, ch)
	}
	return string(b), "", true
}

// prefixSuccessor returns the least valid UTF-8 string that is greater
// than every string starting with prefix: prefix with its last character
// replaced by the next one (UTF-8 orders its encodings bytewise as the
// code points, and no encoding is a prefix of another). A last character
// with no next one (U+10FFFF) is dropped and the one before it
// incremented; ok is false when none is left, and the range is then
// open above.
func prefixSuccessor(prefix string) (string, bool) {
	for prefix != "" {
		r, n := utf8.DecodeLastRuneInString(prefix)
		prefix = prefix[:len(prefix)-n]
		next := r + 1
		if next >= 0xD800 && next <= 0xDFFF {
			next = 0xE000 // surrogates are not characters
		}
		if next <= utf8.MaxRune {
			return string(utf8.AppendRune([]byte(prefix), next)), true
		}
	}
	return "", false
}
