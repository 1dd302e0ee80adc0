package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// LIKE's ESCAPE, as PostgreSQL implements it: the parser turns
// "x LIKE p ESCAPE e" into "x LIKE like_escape(p, e)", like_escape
// rewriting the pattern to one whose escape character is the backslash,
// the only one LIKE itself knows (like_match.c's do_like_escape).

func init() {
	txt := types.Text
	addFunc("like_escape", fn([]*types.T{txt, txt}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return likeEscape(a[0].(string), a[1].(string))
	}))
}

// LikeEscape is like_escape: the planner reads a constant pattern's
// prefix through it (sql/access_like.go).
func LikeEscape(pattern, esc string) (string, error) { return likeEscape(pattern, esc) }

// likeEscape rewrites pattern from escape character esc to backslash. An
// empty esc means no escape character: backslashes become literal.
func likeEscape(pattern, esc string) (string, error) {
	var b strings.Builder
	b.Grow(len(pattern) + 4)
	if esc == "" {
		for _, r := range pattern {
			if r == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		return b.String(), nil
	}
	e, n := utf8.DecodeRuneInString(esc)
	if n != len(esc) {
		return "", pgerror.New(pgcode.InvalidEscapeSequence, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	if e == '\\' {
		return pattern, nil
	}
	// The escape character becomes a backslash; a backslash is doubled
	// unless it is the character escaped.
	afterEscape := false
	for _, r := range pattern {
		switch {
		case r == e && !afterEscape:
			b.WriteByte('\\')
			afterEscape = true
		case r == '\\':
			b.WriteByte('\\')
			if !afterEscape {
				b.WriteByte('\\')
			}
			afterEscape = false
		default:
			b.WriteRune(r)
			afterEscape = false
		}
	}
	return b.String(), nil
}
