package expr

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"sync"
	"sync/atomic"

	"github.com/stela-db/stela/sql/types"
)

// PostgreSQL's regular expressions: compiling (with a cache) and the
// POSIX match operators ~, ~*, !~ and !~* on text. The regexp functions
// are in regex_funcs.go, SIMILAR TO in similar.go.
//
// A pattern is translated from PostgreSQL's ARE syntax into RE2's
// (regex_syntax.go) and parsed and compiled by Go's regexp/syntax; Go's
// regexp runs yes-or-no matches, and stela's own matcher (regex_nfa.go)
// finds where a match is and its parenthesized subexpressions, since
// PostgreSQL's rules for those (the longest or the shortest match,
// whichever the RE's greediness asks, then each part's preference) are
// not a backtracking engine's. Back references are refused with 0A000:
// RE2 has none, and matching them is not regular.

// pgRegex is a compiled pattern.
type pgRegex struct {
	prog *syntax.Prog
	// goRe is the same pattern for Go's regexp, which answers whether
	// there is a match faster; nil when the pattern has assertions
	// (asserts) only stela's matcher knows.
	goRe     *regexp.Regexp
	nsub     int    // parenthesized subexpressions
	ncap     int    // RE2's, ghosts included (regex_syntax.go), numbered after them
	capPref  []int8 // the greediness of each group, by number
	shortest bool   // the RE as a whole is non-greedy
	asserts  []*reAssert
	// tree finds the subexpressions' matches (nil without any).
	tree *subre
	// maxRunes bounds the length of a match in characters (-1: no
	// bound), which keeps lookbehind tests from scanning whole texts.
	maxRunes int
}

// regexCache keeps compiled patterns: a pattern is usually a constant
// matched against every row. It is emptied when it grows past
// regexCacheMax, as patterns computed per row could fill it.
var (
	regexCache  sync.Map // options key + pattern -> *pgRegex
	regexCached atomic.Int64
)

const regexCacheMax = 4096

// compileRegex compiles a PostgreSQL regular expression.
func compileRegex(pattern string, opts reOptions) (*pgRegex, error) {
	key := opts.key() + pattern
	if re, ok := regexCache.Load(key); ok {
		return re.(*pgRegex), nil
	}
	tr, err := translateRegex(pattern, opts)
	if err != nil {
		return nil, err
	}
	re, err := buildRegex(tr)
	if err != nil {
		return nil, err
	}
	if regexCached.Add(1) > regexCacheMax {
		regexCache.Clear()
		regexCached.Store(1)
	}
	regexCache.Store(key, re)
	return re, nil
}

// compileDefaultRegex compiles pattern as the match operators do: an
// ARE, case-insensitive when fold.
func compileDefaultRegex(pattern string, fold bool) (*pgRegex, error) {
	return compileRegex(pattern, reOptions{flavor: 'a', icase: fold})
}

// buildRegex parses and compiles a translated pattern.
func buildRegex(tr *translated) (*pgRegex, error) {
	parsed, err := syntax.Parse(tr.src, syntax.Perl)
	if err != nil {
		return nil, regexSyntaxError(err)
	}
	capPref := renumberGroups(parsed, tr)
	simple := splitRepeats(parsed).Simplify()
	re := &pgRegex{nsub: tr.nsub, ncap: parsed.MaxCap(), capPref: capPref, shortest: tr.shortest,
		asserts: tr.asserts, maxRunes: maxRunes(simple)}
	if re.prog, err = re.compile(simple); err != nil {
		return nil, err
	}
	if len(tr.asserts) == 0 {
		if re.goRe, err = regexp.Compile(tr.src); err != nil {
			return nil, regexSyntaxError(err)
		}
	}
	if tr.nsub > 0 {
		if re.tree, err = re.buildSubre(simple); err != nil {
			return nil, err
		}
	}
	return re, nil
}

// assertArgBase marks the empty-width instructions that are assertions
// (their Arg is assertArgBase plus the assertion's index) rather than
// RE2's empty-width flags.
const assertArgBase = 1 << 16

// compile compiles a (simplified) RE or part of one, turning the
// placeholders of assertions (two equal characters, which RE2 cannot
// merge into a character class as it does single characters of an
// alternation) into empty-width instructions.
func (re *pgRegex) compile(n *syntax.Regexp) (*syntax.Prog, error) {
	prog, err := syntax.Compile(n)
	if err != nil {
		return nil, regexSyntaxError(err)
	}
	for i := range prog.Inst {
		inst := &prog.Inst[i]
		if inst.Op != syntax.InstRune1 || !isAssertRune(inst.Rune[0]) {
			continue
		}
		second := &prog.Inst[inst.Out]
		inst.Op, inst.Arg = syntax.InstEmptyWidth, assertArgBase+uint32(inst.Rune[0]-assertRuneBase)
		second.Op = syntax.InstNop
	}
	return prog, nil
}

// renumberGroups gives the groups of a parsed RE PostgreSQL's numbers,
// ghost groups (non-capturing ones) numbers after nsub, and returns
// their greediness by number.
func renumberGroups(n *syntax.Regexp, tr *translated) []int8 {
	prefs := make([]int8, len(tr.groups)+1)
	ghost := tr.nsub
	var walk func(*syntax.Regexp)
	walk = func(n *syntax.Regexp) {
		if n.Op == syntax.OpCapture {
			k := n.Cap - 1
			if n.Cap = tr.groups[k]; n.Cap == 0 {
				ghost++
				n.Cap = ghost
			}
			prefs[n.Cap] = tr.prefs[k]
		}
		for _, s := range n.Sub {
			walk(s)
		}
	}
	walk(n)
	return prefs
}

// maxRunes is the most characters n can match, -1 when unbounded
// (placeholders of assertions count, which only overestimates).
func maxRunes(n *syntax.Regexp) int {
	switch n.Op {
	case syntax.OpLiteral:
		return len(n.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return maxRunes(n.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		m := maxRunes(n.Sub[0])
		switch {
		case m == 0:
			return 0
		case n.Op != syntax.OpRepeat || n.Max < 0 || m < 0:
			return -1
		}
		return m * n.Max
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, s := range n.Sub {
			m := maxRunes(s)
			switch {
			case m < 0:
				return -1
			case n.Op == syntax.OpConcat:
				total += m
			default:
				total = max(total, m)
			}
		}
		return total
	}
	return 0 // empty-width operators, empty matches
}

// regexSyntaxError is PostgreSQL's error for a pattern Go's parser
// refuses (the translator catches most errors first).
func regexSyntaxError(err error) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return errRegex(err.Error())
	}
	msg := map[syntax.ErrorCode]string{
		syntax.ErrInvalidCharClass:      reECType,
		syntax.ErrInvalidCharRange:      reERange,
		syntax.ErrInvalidEscape:         reEEscape,
		syntax.ErrTrailingBackslash:     reEEscape,
		syntax.ErrInvalidRepeatOp:       reBadRpt,
		syntax.ErrMissingRepeatArgument: reBadRpt,
		syntax.ErrMissingBracket:        reEBrack,
		syntax.ErrMissingParen:          reEParen,
		syntax.ErrUnexpectedParen:       reEParen,
		// The translator checks each bound: RE2's limit on nested
		// repetitions is what remains.
		syntax.ErrInvalidRepeatSize: reETooBig,
		syntax.ErrLarge:             reETooBig,
		syntax.ErrNestingDepth:      reETooBig,
	}[se.Code]
	if msg == "" {
		msg = fmt.Sprint(se.Code)
	}
	return errRegex(msg)
}

// MatchString reports whether s has a match.
func (re *pgRegex) MatchString(s string) bool {
	if re.goRe != nil {
		return re.goRe.MatchString(s)
	}
	return re.matcher(s).find(0, false) != nil
}

func init() {
	for _, op := range []struct {
		name      string
		fold, not bool
	}{{"~", false, false}, {"~*", true, false}, {"!~", false, true}, {"!~*", true, true}} {
		op := op
		addOp(op.name, types.Text, types.Text, types.Bool, func(_ *Context, a []types.Datum) (types.Datum, error) {
			re, err := compileDefaultRegex(a[1].(string), op.fold)
			if err != nil {
				return nil, err
			}
			return re.MatchString(a[0].(string)) != op.not, nil
		})
	}
}
