package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// SQL's SIMILAR TO, as PostgreSQL implements it: the parser turns
// "x SIMILAR TO p ESCAPE e" into "x ~ similar_to_escape(p, e)" (and NOT
// SIMILAR TO into !~), similar_to_escape translating the SQL pattern
// into a POSIX one anchored at both ends (regexp.c's
// similar_escape_internal). The legacy similar_escape, which views of
// older versions call, is the same function but not strict.

func init() {
	txt := types.Text
	addFunc("similar_to_escape", fn([]*types.T{txt}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return similarToRegex(a[0].(string), nil)
	}))
	addFunc("similar_to_escape", fn([]*types.T{txt, txt}, txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		esc := a[1].(string)
		return similarToRegex(a[0].(string), &esc)
	}))
	addFunc("similar_escape", &overload{args: []*types.T{txt, txt}, result: txt, fn: func(_ *Context, a []types.Datum) (types.Datum, error) {
		if a[0] == nil {
			return nil, nil
		}
		var esc *string
		if a[1] != nil {
			e := a[1].(string)
			esc = &e
		}
		return similarToRegex(a[0].(string), esc)
	}})
}

// similarToRegex translates a SIMILAR TO pattern into a POSIX regular
// expression. esc is the escape character: nil for the default
// backslash, "" for none. A pattern may hold two escaped double quotes
// that split it into three parts, for substring(... similar ...): the
// first matches as little as it can, the second (the result) as much.
func similarToRegex(pattern string, esc *string) (string, error) {
	e, hasEsc := '\\', true
	if esc != nil {
		switch utf8.RuneCountInString(*esc) {
		case 0:
			hasEsc = false
		case 1:
			e, _ = utf8.DecodeRuneInString(*esc)
		default:
			return "", pgerror.New(pgcode.InvalidEscapeSequence, "invalid escape string").
				WithHint("Escape string must be empty or one character.")
		}
	}
	s := similarState{b: &strings.Builder{}}
	s.b.WriteString("^(?:")
	for _, c := range pattern {
		switch {
		case s.afterEsc:
			if err := s.escaped(c); err != nil {
				return "", err
			}
		case hasEsc && c == e:
			s.afterEsc = true
		case s.depth > 0:
			s.inBracket(c)
		default:
			s.plain(c)
		}
	}
	s.b.WriteString(")$")
	return s.b.String(), nil
}

// similarState is the translation's state.
type similarState struct {
	b        *strings.Builder
	afterEsc bool
	quotes   int // escaped double quotes seen
	depth    int // square bracket nesting
	// classPos is where a bracket expression is: 1 right after its '[',
	// 2 after a '^' there (a ']' is still a member), 3 or more further.
	classPos int
}

// escaped translates the character after the escape character.
func (s *similarState) escaped(c rune) error {
	s.afterEsc = false
	if c != '"' || s.depth > 0 {
		// Any character may be escaped (so \d and the like reach the
		// regular expression).
		s.b.WriteByte('\\')
		s.b.WriteRune(c)
		s.classPos = 3
		return nil
	}
	switch s.quotes {
	case 0:
		s.b.WriteString("){1,1}?(")
	case 1:
		s.b.WriteString("){1,1}(?:")
	default:
		return pgerror.New(pgcode.InvalidUseOfEscapeCharacter, "SQL regular expression may not contain more than two escape-double-quote separators")
	}
	s.quotes++
	return nil
}

// inBracket copies a character of a bracket expression, following its
// nesting well enough to find its end.
func (s *similarState) inBracket(c rune) {
	if c == '\\' {
		s.b.WriteByte('\\') // a literal backslash, as outside
	}
	s.b.WriteRune(c)
	switch {
	case c == ']' && s.classPos > 2:
		s.depth--
	case c == '[':
		s.depth++
		s.classPos = 3
	case c == '^':
		s.classPos++
	default:
		s.classPos = 3
	}
}

// plain translates a character outside bracket expressions.
func (s *similarState) plain(c rune) {
	switch c {
	case '[':
		s.b.WriteByte('[')
		s.depth, s.classPos = 1, 1
	case '%':
		s.b.WriteString(".*")
	case '_':
		s.b.WriteByte('.')
	case '(':
		s.b.WriteString("(?:") // groups do not capture
	case '\\', '.', '^', '$':
		s.b.WriteByte('\\')
		s.b.WriteRune(c)
	default:
		s.b.WriteRune(c)
	}
}
