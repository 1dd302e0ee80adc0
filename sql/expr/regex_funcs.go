package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The regular expression functions of PostgreSQL 15 (regexp.c,
// varlena.c): regexp_replace, regexp_match, regexp_matches,
// regexp_split_to_array and _to_table, regexp_count, regexp_instr,
// regexp_like, regexp_substr, and substring(text from pattern). Their
// flags argument is parse_re_flags's; 'g' is refused by the functions
// that always (or never) find every match. Positions and the start
// arguments count characters; matching works in bytes and converts.

func init() {
	txt, i4 := types.Text, types.Int4
	textArr, _ := types.ArrayOf(txt)
	t := func(ts ...*types.T) []*types.T { return ts }
	str := func(a []types.Datum, i int) string { return a[i].(string) }
	num := func(a []types.Datum, i int) int64 { return a[i].(int64) }

	addFunc("regexp_replace", fn(t(txt, txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpReplace(str(a, 0), str(a, 1), str(a, 2), 1, noN, "")
	}))
	addFunc("regexp_replace", fn(t(txt, txt, txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		if f := str(a, 3); f != "" && f[0] >= '0' && f[0] <= '9' {
			r, _ := utf8.DecodeRuneInString(f)
			return nil, errBadRegexOption(r).WithHint("If you meant to use regexp_replace() with a start parameter, cast the fourth argument to integer explicitly.")
		}
		return regexpReplace(str(a, 0), str(a, 1), str(a, 2), 1, noN, str(a, 3))
	}))
	addFunc("regexp_replace", fn(t(txt, txt, txt, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpReplace(str(a, 0), str(a, 1), str(a, 2), num(a, 3), noN, "")
	}))
	addFunc("regexp_replace", fn(t(txt, txt, txt, i4, i4), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpReplace(str(a, 0), str(a, 1), str(a, 2), num(a, 3), num(a, 4), "")
	}))
	addFunc("regexp_replace", fn(t(txt, txt, txt, i4, i4, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpReplace(str(a, 0), str(a, 1), str(a, 2), num(a, 3), num(a, 4), str(a, 5))
	}))

	match := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpMatch(str(a, 0), str(a, 1), optArg(a, 2))
	}
	addFunc("regexp_match", fn(t(txt, txt), textArr, match))
	addFunc("regexp_match", fn(t(txt, txt, txt), textArr, match))
	matches := oneColumn("regexp_matches", textArr, func(a []types.Datum) ([]types.Datum, error) {
		return regexpMatches(str(a, 0), str(a, 1), optArg(a, 2))
	})
	addSetFunc("regexp_matches", t(txt, txt), true, matches)
	addSetFunc("regexp_matches", t(txt, txt, txt), true, matches)

	splitArray := func(_ *Context, a []types.Datum) (types.Datum, error) {
		parts, err := regexpSplit("regexp_split_to_array()", str(a, 0), str(a, 1), optArg(a, 2))
		if err != nil {
			return nil, err
		}
		return types.NewArray(parts), nil
	}
	addFunc("regexp_split_to_array", fn(t(txt, txt), textArr, splitArray))
	addFunc("regexp_split_to_array", fn(t(txt, txt, txt), textArr, splitArray))
	splitTable := oneColumn("regexp_split_to_table", txt, func(a []types.Datum) ([]types.Datum, error) {
		return regexpSplit("regexp_split_to_table()", str(a, 0), str(a, 1), optArg(a, 2))
	})
	addSetFunc("regexp_split_to_table", t(txt, txt), true, splitTable)
	addSetFunc("regexp_split_to_table", t(txt, txt, txt), true, splitTable)

	// regexp_count(s, pattern [, start [, flags]])
	count := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpCount(str(a, 0), str(a, 1), intArg(a, 2, 1), optArg(a, 3))
	}
	addFunc("regexp_count", fn(t(txt, txt), i4, count))
	addFunc("regexp_count", fn(t(txt, txt, i4), i4, count))
	addFunc("regexp_count", fn(t(txt, txt, i4, txt), i4, count))

	// regexp_instr(s, pattern [, start [, n [, endoption [, flags [, subexpr]]]]])
	instr := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpInstr(str(a, 0), str(a, 1), intArg(a, 2, 1), intArg(a, 3, 1), intArg(a, 4, 0), optArg(a, 5), intArg(a, 6, 0))
	}
	for n := 2; n <= 7; n++ {
		args := t(txt, txt, i4, i4, i4, txt, i4)[:n]
		addFunc("regexp_instr", fn(args, i4, instr))
	}

	like := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpLike(str(a, 0), str(a, 1), optArg(a, 2))
	}
	addFunc("regexp_like", fn(t(txt, txt), types.Bool, like))
	addFunc("regexp_like", fn(t(txt, txt, txt), types.Bool, like))

	// regexp_substr(s, pattern [, start [, n [, flags [, subexpr]]]])
	substr := func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexpSubstr(str(a, 0), str(a, 1), intArg(a, 2, 1), intArg(a, 3, 1), optArg(a, 4), intArg(a, 5, 0))
	}
	for n := 2; n <= 6; n++ {
		addFunc("regexp_substr", fn(t(txt, txt, i4, i4, txt, i4)[:n], txt, substr))
	}

	// substring(s from pattern): what the first subexpression matched,
	// or the whole match; substring(s similar pattern escape e) is that
	// of the SIMILAR TO pattern.
	addFunc("substring", fn(t(txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		return regexSubstring(str(a, 0), str(a, 1))
	}))
	addFunc("substring", fn(t(txt, txt, txt), txt, func(_ *Context, a []types.Datum) (types.Datum, error) {
		esc := str(a, 2)
		pattern, err := similarToRegex(str(a, 1), &esc)
		if err != nil {
			return nil, err
		}
		return regexSubstring(str(a, 0), pattern)
	}))
}

// noN is regexp_replace's n when the call has none (any value an int4
// cannot be).
const noN = -1 << 40

// optArg is the text argument i, "" when the call has fewer.
func optArg(a []types.Datum, i int) string {
	if i < len(a) {
		return a[i].(string)
	}
	return ""
}

// intArg is the integer argument i, def when the call has fewer.
func intArg(a []types.Datum, i int, def int64) int64 {
	if i < len(a) {
		return a[i].(int64)
	}
	return def
}

// regexFor compiles pattern under flags for the function fn; glob says
// whether fn takes the g flag.
func regexFor(fn, pattern, flags string, globOK bool) (*pgRegex, bool, error) {
	opts, glob, err := parseRegexFlags(flags)
	if err != nil {
		return nil, false, err
	}
	if glob && !globOK {
		e := pgerror.Newf(pgcode.InvalidParameterValue, "%s does not support the \"global\" option", fn)
		if fn == "regexp_match()" {
			e = e.WithHint("Use the regexp_matches function instead.")
		}
		return nil, false, e
	}
	re, err := compileRegex(pattern, opts)
	return re, glob, err
}

// errRegexParam is the error of an out-of-range numeric argument.
func errRegexParam(name string, v int64) error {
	return pgerror.Newf(pgcode.InvalidParameterValue, "invalid value for parameter \"%s\": %d", name, v)
}

// charOffset is the byte offset of the n-th character of s (0-based),
// or -1 past the end.
func charOffset(s string, n int64) int {
	off := 0
	for ; n > 0; n-- {
		if off >= len(s) {
			return -1
		}
		_, w := utf8.DecodeRuneInString(s[off:])
		off += w
	}
	return off
}

// charPos is the 1-based character position of byte offset off of s.
func charPos(s string, off int) int64 { return int64(utf8.RuneCountInString(s[:off])) + 1 }

// after is the search position after an empty match at pos: one
// character on (past the end at the end).
func after(s string, pos int) int {
	if pos >= len(s) {
		return pos + 1
	}
	_, w := utf8.DecodeRuneInString(s[pos:])
	return pos + w
}

// regexMatches is setup_regexp_matches: the matches of re in s from
// byte offset start, every one when glob, with the subexpressions' when
// groups. ignoreDegenerate drops empty matches at the ends of s and
// right after a match (regexp_split's).
func regexMatches(re *pgRegex, s string, start int, glob, groups, ignoreDegenerate bool) [][]int {
	if start < 0 || start > len(s) {
		return nil
	}
	m := re.matcher(s)
	var out [][]int
	for prevEnd, pos := 0, start; pos <= len(s); {
		loc := m.find(pos, groups)
		if loc == nil {
			break
		}
		if !ignoreDegenerate || loc[0] < len(s) && loc[1] > prevEnd {
			out = append(out, loc)
		}
		prevEnd = loc[1]
		if !glob {
			break
		}
		if pos = loc[1]; loc[0] == loc[1] {
			pos = after(s, pos)
		}
	}
	return out
}

// groupValues are what regexp_match returns for a match: the
// subexpressions' texts (NULL for one that did not take part), or the
// whole match's when there are none.
func groupValues(re *pgRegex, s string, loc []int) *types.Array {
	if re.nsub == 0 {
		return types.NewArray([]types.Datum{s[loc[0]:loc[1]]})
	}
	elems := make([]types.Datum, re.nsub)
	for i := range elems {
		if a, b := loc[2*i+2], loc[2*i+3]; a >= 0 && b >= 0 {
			elems[i] = s[a:b]
		}
	}
	return types.NewArray(elems)
}

func regexpMatch(s, pattern, flags string) (types.Datum, error) {
	re, _, err := regexFor("regexp_match()", pattern, flags, false)
	if err != nil {
		return nil, err
	}
	locs := regexMatches(re, s, 0, false, true, false)
	if len(locs) == 0 {
		return nil, nil
	}
	return groupValues(re, s, locs[0]), nil
}

func regexpMatches(s, pattern, flags string) ([]types.Datum, error) {
	re, glob, err := regexFor("regexp_matches()", pattern, flags, true)
	if err != nil {
		return nil, err
	}
	locs := regexMatches(re, s, 0, glob, true, false)
	out := make([]types.Datum, len(locs))
	for i, loc := range locs {
		out[i] = groupValues(re, s, loc)
	}
	return out, nil
}

// regexpSplit is regexp_split_to_array's and _to_table's: the text
// between the matches.
func regexpSplit(fn, s, pattern, flags string) ([]types.Datum, error) {
	re, _, err := regexFor(fn, pattern, flags, false)
	if err != nil {
		return nil, err
	}
	var out []types.Datum
	prev := 0
	for _, loc := range regexMatches(re, s, 0, true, false, true) {
		out = append(out, s[prev:loc[0]])
		prev = loc[1]
	}
	return append(out, s[prev:]), nil
}

func regexpCount(s, pattern string, start int64, flags string) (types.Datum, error) {
	if start <= 0 {
		return nil, errRegexParam("start", start)
	}
	re, _, err := regexFor("regexp_count()", pattern, flags, false)
	if err != nil {
		return nil, err
	}
	return int64(len(regexMatches(re, s, charOffset(s, start-1), true, false, false))), nil
}

// regexpNth is the byte offset regexp_instr and regexp_substr look at:
// the bounds of the n-th match from start, or of its subexpr-th
// subexpression (the whole match's when the RE has none); nil when
// there is no such match or subexpression.
func regexpNth(fn, s, pattern string, start, n int64, flags string, subexpr int64) ([]int, error) {
	re, _, err := regexFor(fn, pattern, flags, false)
	if err != nil {
		return nil, err
	}
	groups := subexpr > 0 && re.nsub > 0
	locs := regexMatches(re, s, charOffset(s, start-1), true, groups, false)
	if n > int64(len(locs)) {
		return nil, nil
	}
	loc, k := locs[n-1], int64(0)
	if groups {
		if subexpr > int64(re.nsub) {
			return nil, nil
		}
		k = subexpr
	} else if subexpr > 1 {
		return nil, nil
	}
	if loc[2*k] < 0 || loc[2*k+1] < 0 {
		return nil, nil
	}
	return loc[2*k : 2*k+2], nil
}

// checkStartN checks the start and n arguments of regexp_instr and
// regexp_substr (their defaults, 1, pass).
func checkStartN(start, n int64) error {
	if start <= 0 {
		return errRegexParam("start", start)
	}
	if n <= 0 {
		return errRegexParam("n", n)
	}
	return nil
}

func regexpInstr(s, pattern string, start, n, endoption int64, flags string, subexpr int64) (types.Datum, error) {
	if err := checkStartN(start, n); err != nil {
		return nil, err
	}
	if endoption != 0 && endoption != 1 {
		return nil, errRegexParam("endoption", endoption)
	}
	if subexpr < 0 {
		return nil, errRegexParam("subexpr", subexpr)
	}
	loc, err := regexpNth("regexp_instr()", s, pattern, start, n, flags, subexpr)
	if err != nil || loc == nil {
		return int64(0), err
	}
	return charPos(s, loc[endoption]), nil
}

func regexpSubstr(s, pattern string, start, n int64, flags string, subexpr int64) (types.Datum, error) {
	if err := checkStartN(start, n); err != nil {
		return nil, err
	}
	if subexpr < 0 {
		return nil, errRegexParam("subexpr", subexpr)
	}
	loc, err := regexpNth("regexp_substr()", s, pattern, start, n, flags, subexpr)
	if err != nil || loc == nil {
		return nil, err
	}
	return s[loc[0]:loc[1]], nil
}

func regexpLike(s, pattern, flags string) (types.Datum, error) {
	re, _, err := regexFor("regexp_like()", pattern, flags, false)
	if err != nil {
		return nil, err
	}
	return re.MatchString(s), nil
}

// regexSubstring is textregexsubstr: the first subexpression's match,
// or the whole match's.
func regexSubstring(s, pattern string) (types.Datum, error) {
	re, err := compileDefaultRegex(pattern, false)
	if err != nil {
		return nil, err
	}
	loc := re.matcher(s).find(0, re.nsub > 0)
	if loc == nil {
		return nil, nil
	}
	if re.nsub > 0 {
		loc = loc[2:4]
	}
	if loc[0] < 0 || loc[1] < 0 {
		return nil, nil
	}
	return s[loc[0]:loc[1]], nil
}

// regexpReplace is regexp_replace: the n-th match from the start-th
// character replaced (every one when n is 0; n is noN when the call has
// no n, which the g flag then decides).
func regexpReplace(s, pattern, repl string, start, n int64, flags string) (types.Datum, error) {
	if start <= 0 {
		return nil, errRegexParam("start", start)
	}
	if n < 0 && n != noN {
		return nil, errRegexParam("n", n)
	}
	re, glob, err := regexFor("regexp_replace()", pattern, flags, true)
	if err != nil {
		return nil, err
	}
	if n == noN {
		n = 1
		if glob {
			n = 0
		}
	}
	pos := charOffset(s, start-1)
	if pos < 0 {
		return s, nil
	}
	return replaceMatches(re, s, repl, pos, n), nil
}

// replaceMatches is replace_text_regexp.
func replaceMatches(re *pgRegex, s, repl string, pos int, n int64) string {
	groups := strings.IndexByte(repl, '\\') >= 0
	m := re.matcher(s)
	var b strings.Builder
	done, count := 0, int64(0)
	for pos <= len(s) {
		loc := m.find(pos, groups)
		if loc == nil {
			break
		}
		if count++; n > 0 && count < n {
			// Not this one: it stays in the output.
			if pos = loc[1]; loc[0] == loc[1] {
				pos = after(s, pos)
			}
			continue
		}
		b.WriteString(s[done:loc[0]])
		if groups {
			substitute(&b, repl, s, loc)
		} else {
			b.WriteString(repl)
		}
		done = loc[1]
		if n > 0 {
			break
		}
		if pos = done; loc[0] == loc[1] {
			pos = after(s, pos)
		}
	}
	b.WriteString(s[done:])
	return b.String()
}

// substitute appends the replacement text with \1 to \9 (what a
// subexpression matched), \& (the whole match) and \\ (a backslash)
// substituted; any other backslash is kept.
func substitute(b *strings.Builder, repl, s string, loc []int) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		k := -1
		switch d := repl[i+1]; {
		case d >= '1' && d <= '9':
			k = int(d - '0')
		case d == '&':
			k = 0
		case d == '\\':
			i++
			b.WriteByte('\\')
			continue
		default:
			b.WriteByte('\\')
			continue
		}
		i++
		if 2*k+1 < len(loc) && loc[2*k] >= 0 && loc[2*k+1] >= 0 {
			b.WriteString(s[loc[2*k]:loc[2*k+1]])
		}
	}
}
