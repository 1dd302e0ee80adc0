package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

func init() {
	addOp("||", types.Text, types.Text, types.Text, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return a[0].(string) + a[1].(string), nil
	})
	// text || anynonarray and anynonarray || text: the other side cast
	// to text (PostgreSQL's textanycat and anytextcat are SQL functions
	// doing $1::text || $2), which is its output function except for the
	// types with a cast of their own: bool is 'true', inet shows its
	// mask.
	for _, t := range types.All {
		if t.Family == types.StringFamily || t.Family == types.UnknownFamily || t.Family == types.VoidFamily {
			continue
		}
		t := t
		addOp("||", types.Text, t, types.Text, func(c *Context, a []types.Datum) (types.Datum, error) {
			s, err := anyToText(c, a[1], t)
			return a[0].(string) + s, err
		})
		addOp("||", t, types.Text, types.Text, func(c *Context, a []types.Datum) (types.Datum, error) {
			s, err := anyToText(c, a[0], t)
			return s + a[1].(string), err
		})
		if t.Family == types.BitFamily {
			// Bit strings have a || of their own, which the resolver
			// must prefer as PostgreSQL's does (see anyNonArrayAt).
			ops := operators[opKey("||", 2)]
			ops[len(ops)-2].anyNonArrayAt = 2
			ops[len(ops)-1].anyNonArrayAt = 1
		}
	}
	addOp("||", types.Bytea, types.Bytea, types.Bytea, func(_ *Context, a []types.Datum) (types.Datum, error) {
		x, y := a[0].([]byte), a[1].([]byte)
		return append(append(make([]byte, 0, len(x)+len(y)), x...), y...), nil
	})
	for _, op := range []struct {
		name      string
		fold, neg bool
	}{{"~~", false, false}, {"!~~", false, true}, {"~~*", true, false}, {"!~~*", true, true}} {
		op := op
		for _, t := range []*types.T{types.Text, types.Bpchar, types.Name} {
			addOp(op.name, t, types.Text, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
				m, err := like(a[0].(string), a[1].(string), '\\', op.fold)
				if err != nil {
					return nil, err
				}
				return m != op.neg, nil
			})
		}
	}
}

// anyToText is v::text for textanycat and anytextcat.
func anyToText(c *Context, v types.Datum, t *types.T) (string, error) {
	s, err := castValue(v, t, types.Text, true, c.formatSettings())
	if err != nil {
		return "", err
	}
	return s.(string), nil
}

// Like reports whether s matches a LIKE pattern whose escape is the
// backslash (ILIKE's when fold), as the ~~ and ~~* operators do: the
// planner tests a column's most common values with it.
func Like(s, pattern string, fold bool) (bool, error) { return like(s, pattern, '\\', fold) }

// like matches s against a LIKE pattern: % any run, _ one character, esc
// quotes the next character. fold makes it ILIKE (simple case folding).
func like(s, pattern string, esc rune, fold bool) (bool, error) {
	if fold {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	// Iterative matcher with backtracking to the last %.
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(pattern) {
			pr, pn := utf8.DecodeRuneInString(pattern[pi:])
			switch {
			case pr == esc:
				if pi+pn >= len(pattern) {
					return false, pgerror.New(pgcode.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
				}
				qr, qn := utf8.DecodeRuneInString(pattern[pi+pn:])
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if qr == sr {
					si += sn
					pi += pn + qn
					continue
				}
			case pr == '%':
				starP, starS = pi, si
				pi += pn
				continue
			case pr == '_':
				_, sn := utf8.DecodeRuneInString(s[si:])
				si += sn
				pi += pn
				continue
			default:
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if pr == sr {
					si += sn
					pi += pn
					continue
				}
			}
		}
		if starP < 0 {
			return false, nil
		}
		// Let the last % absorb one more character.
		_, sn := utf8.DecodeRuneInString(s[starS:])
		starS += sn
		si = starS
		pi = starP + 1
	}
	// The text is used up: what is left of the pattern must be %s. A
	// trailing escape is no error here, as in PostgreSQL's MatchText,
	// which only raises it on reaching the escape with text left.
	for pi < len(pattern) && pattern[pi] == '%' {
		pi++
	}
	return pi == len(pattern), nil
}
