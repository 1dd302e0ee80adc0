package expr

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// PostgreSQL's regular expressions are Henry Spencer's "advanced" REs
// (AREs). Go's regexp/syntax parses a close relative (RE2's syntax), so
// a pattern is translated token by token into RE2 syntax rather than
// parsed twice: escapes PostgreSQL spells differently (\y, \Z, \e,
// octal, \B as a backslash...) are rewritten, bracket expressions are
// re-emitted element by element, repetition bounds get PostgreSQL's
// limits, and errors are PostgreSQL's (2201B, Spencer's messages) so
// that a pattern PostgreSQL refuses is refused here too. What RE2 cannot
// express becomes an "assertion" the matcher (regex_nfa.go) evaluates
// itself: word starts and ends (\m, \M) and lookahead and lookbehind
// constraints. Back references have no such escape hatch: they are
// refused with 0A000. The translator also works out the RE's greediness
// by PostgreSQL's rules (the matcher needs it: a non-greedy RE matches
// the shortest string, not what a backtracking engine would find).

// reOptions are a pattern's compile options: the flags argument of the
// regexp functions (parseRegexFlags), then the pattern's embedded
// options.
type reOptions struct {
	icase    bool // i: case-insensitive
	nlstop   bool // n, p: . and [^...] do not match a newline
	nlanch   bool // n, w: ^ and $ match at newlines too
	expanded bool // x: white space and # comments are ignored
	// flavor is 'a' (advanced, the default), 'q' (the pattern is a
	// literal string), or 'b' or 'e' (basic and extended POSIX REs,
	// which stela does not implement).
	flavor byte
}

// key is the options' part of a compiled pattern's cache key.
func (o reOptions) key() string {
	b := []byte{o.flavor, '0', '0', '0', '0'}
	for i, on := range []bool{o.icase, o.nlstop, o.nlanch, o.expanded} {
		if on {
			b[i+1] = '1'
		}
	}
	return string(b)
}

// setFlag applies one option letter, as parse_re_flags (and the embedded
// options) do; it reports whether the letter is one.
func (o *reOptions) setFlag(c rune) bool {
	switch c {
	case 'b', 'e', 'q':
		o.flavor = byte(c)
	case 'c':
		o.icase = false
	case 'i':
		o.icase = true
	case 'm', 'n':
		o.nlstop, o.nlanch = true, true
	case 'p':
		o.nlstop, o.nlanch = true, false
	case 's':
		o.nlstop, o.nlanch = false, false
	case 't':
		o.expanded = false
	case 'w':
		o.nlstop, o.nlanch = false, true
	case 'x':
		o.expanded = true
	default:
		return false
	}
	return true
}

// parseRegexFlags parses the flags argument of the regexp functions;
// glob reports the g flag.
func parseRegexFlags(flags string) (o reOptions, glob bool, err error) {
	o.flavor = 'a'
	for _, c := range flags {
		if c == 'g' {
			glob = true
			continue
		}
		if !o.setFlag(c) {
			return o, false, errBadRegexOption(c)
		}
	}
	return o, glob, nil
}

func errBadRegexOption(c rune) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidParameterValue, "invalid regular expression option: \"%c\"", c)
}

// Spencer's error messages (regex/regerrs.h) for the errors translation
// finds.
const (
	reECollate = "invalid collating element"
	reECType   = "invalid character class"
	reEEscape  = "invalid escape \\ sequence"
	reESubReg  = "invalid backreference number"
	reEBrack   = "brackets [] not balanced"
	reEParen   = "parentheses () not balanced"
	reEBrace   = "braces {} not balanced"
	reBadBR    = "invalid repetition count(s)"
	reERange   = "invalid character range"
	reBadRpt   = "quantifier operand invalid"
	reBadOpt   = "invalid embedded option"
	reETooBig  = "regular expression is too complex"
	reBadPat   = "invalid regexp (reg version 0.8)"
)

func errRegex(msg string) *pgerror.Error {
	return pgerror.Newf(pgcode.InvalidRegularExpression, "invalid regular expression: %s", msg)
}

func errRegexUnsupported(what string) *pgerror.Error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "regular expression %s are not supported", what)
}

// Greediness of an RE or part of one (PostgreSQL's LONGER and SHORTER).
const (
	prefNone int8 = iota
	prefLonger
	prefShorter
)

// reAssertKind is what a custom assertion tests.
type reAssertKind int8

const (
	assertWordStart reAssertKind = iota // \m, [[:<:]]
	assertWordEnd                       // \M, [[:>:]]
	assertAhead                         // (?=re), (?!re)
	assertBehind                        // (?<=re), (?<!re)
)

// reAssert is an empty-width test RE2 lacks; the translated pattern
// holds a placeholder for it: twice a character of the range from
// assertRuneBase, the assertion's index added.
type reAssert struct {
	kind reAssertKind
	neg  bool
	re   *pgRegex // lookaround: the constraint's RE
}

// Placeholders for assertions are characters of Unicode's last private
// use plane, which the matcher turns back into tests.
const (
	assertRuneBase = 0x10F000
	assertRuneMax  = 0x10FFFD
)

// reFrame is one level of parentheses, for greediness: the first
// quantified atom with a preference decides a branch's, and an
// alternation is greedy.
type reFrame struct {
	pref       int8 // the branch's so far
	hasAlt     bool
	pending    int8 // the last atom's, until it is known unquantified
	hasPending bool
	group      int // the capturing group's number (0: not capturing)
	slot       int // its index in reTranslator.groups (-1: not there)
}

// reTranslator translates one ARE to RE2 syntax.
type reTranslator struct {
	src          string
	i            int
	opts         reOptions
	out          strings.Builder
	ngroups      int    // capturing groups opened so far
	groups       []int  // the groups RE2 sees, in order: their numbers, or 0 for ghosts
	prefs        []int8 // their greediness (RE2 turns a|b into [ab], losing it)
	closed       []bool // closed[n]: group n is complete (back references need that)
	capture      bool   // parentheses capture (not inside a lookaround)
	frames       []reFrame
	asserts      []*reAssert
	quantOK      bool // the last token can be quantified
	inLookaround bool // translating a lookaround's body: ')' ends it
}

// translated is a translated pattern.
type translated struct {
	src      string // RE2 syntax, with its flags
	nsub     int
	groups   []int  // reTranslator.groups
	prefs    []int8 // reTranslator.prefs
	shortest bool   // the RE as a whole is non-greedy
	asserts  []*reAssert
}

// translateRegex translates pattern under opts.
func translateRegex(pattern string, opts reOptions) (*translated, error) {
	t := &reTranslator{src: pattern, opts: opts, capture: true}
	if strings.IndexFunc(pattern, isAssertRune) >= 0 {
		return nil, errAssertRune
	}
	if err := t.prologue(); err != nil {
		return nil, err
	}
	switch t.opts.flavor {
	case 'q':
		t.out.WriteString(regexp.QuoteMeta(t.src[t.i:]))
		return t.result(), nil
	case 'b', 'e':
		return nil, pgerror.New(pgcode.FeatureNotSupported, "basic and extended regular expression syntaxes (options \"b\" and \"e\") are not supported")
	}
	if err := t.run(); err != nil {
		return nil, err
	}
	return t.result(), nil
}

// prologue reads the directors PostgreSQL allows at the start of a
// pattern: ***: (an ARE follows), ***= (a literal string follows), and
// embedded options (?letters).
func (t *reTranslator) prologue() error {
	if t.opts.flavor != 'a' {
		return nil
	}
	if strings.HasPrefix(t.src, "***") {
		next := byte(0)
		if len(t.src) > 3 {
			next = t.src[3]
		}
		switch next {
		case '=':
			t.i, t.opts.flavor = 4, 'q'
			return nil
		case ':':
			t.i = 4
		case '?':
			return errRegex(reBadPat)
		default:
			return errRegex(reBadRpt)
		}
	}
	if !strings.HasPrefix(t.src[t.i:], "(?") || t.i+2 >= len(t.src) || !reIsLetter(t.src[t.i+2]) {
		return nil
	}
	end := strings.IndexByte(t.src[t.i:], ')')
	if end < 0 {
		return errRegex(reBadOpt)
	}
	for _, c := range t.src[t.i+2 : t.i+end] {
		if !t.opts.setFlag(c) {
			return errRegex(reBadOpt)
		}
	}
	t.i += end + 1
	return nil
}

func reIsLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func reIsAlnum(c rune) bool {
	return c < utf8.RuneSelf && (reIsLetter(byte(c)) || isASCIIDigit(byte(c)))
}

// result finishes the translation: the RE2 flags and the greediness.
func (t *reTranslator) result() *translated {
	var flags string
	if t.opts.icase {
		flags += "i"
	}
	if !t.opts.nlstop {
		flags += "s"
	}
	if t.opts.nlanch {
		flags += "m"
	}
	src := t.out.String()
	if flags != "" {
		src = "(?" + flags + ")" + src
	}
	tr := &translated{src: src, nsub: t.ngroups, groups: t.groups, prefs: t.prefs, asserts: t.asserts}
	if len(t.frames) > 0 {
		top := &t.frames[0]
		t.commit()
		tr.shortest = !top.hasAlt && top.pref == prefShorter
	}
	return tr
}

func (t *reTranslator) eof() bool { return t.i >= len(t.src) }

func (t *reTranslator) peek() byte {
	if t.eof() {
		return 0
	}
	return t.src[t.i]
}

func (t *reTranslator) next() rune {
	r, n := utf8.DecodeRuneInString(t.src[t.i:])
	t.i += n
	return r
}

// run translates the pattern (or a lookaround's body, up to its ')').
func (t *reTranslator) run() error {
	t.frames = append(t.frames, reFrame{})
	for !t.eof() {
		if t.opts.expanded && t.skipSpace() {
			continue
		}
		c := t.next()
		var err error
		switch c {
		case '\\':
			err = t.escape()
		case '[':
			err = t.bracket()
		case '(':
			err = t.open()
		case ')':
			if len(t.frames) == 1 {
				if t.inLookaround {
					return nil
				}
				return errRegex(reEParen)
			}
			t.close()
		case '|':
			t.commit()
			t.frame().hasAlt = true
			t.out.WriteByte('|')
			t.quantOK = false
		case '*', '+', '?':
			err = t.quantifier(string(c), false)
		case '{':
			if isASCIIDigit(t.peek()) {
				err = t.bound()
			} else {
				t.literal(c)
			}
		case '.':
			t.atom(".")
		case '^', '$':
			t.constraint(string(c))
		default:
			t.literal(c)
		}
		if err != nil {
			return err
		}
	}
	if len(t.frames) > 1 || t.inLookaround {
		return errRegex(reEParen)
	}
	return nil
}

// skipSpace skips white space and a # comment in expanded mode.
func (t *reTranslator) skipSpace() bool {
	switch t.peek() {
	case ' ', '\t', '\n', '\r', '\f', '\v':
		t.i++
		return true
	case '#':
		if nl := strings.IndexByte(t.src[t.i:], '\n'); nl >= 0 {
			t.i += nl + 1
		} else {
			t.i = len(t.src)
		}
		return true
	}
	return false
}

func (t *reTranslator) frame() *reFrame { return &t.frames[len(t.frames)-1] }

// commit settles the last atom's greediness into its branch's.
func (t *reTranslator) commit() {
	f := t.frame()
	if f.hasPending && f.pref == prefNone {
		f.pref = f.pending
	}
	f.hasPending = false
}

// atom emits an atom (which has no greediness of its own) in RE2
// syntax.
func (t *reTranslator) atom(s string) {
	t.commit()
	t.out.WriteString(s)
	f := t.frame()
	f.pending, f.hasPending = prefNone, true
	t.quantOK = true
}

// literal emits a character matching itself.
func (t *reTranslator) literal(c rune) { t.atom(quoteRune(c)) }

// isAssertRune reports whether c is in the range of the placeholders of
// assertions: such characters cannot be in a pattern.
func isAssertRune(c rune) bool { return c >= assertRuneBase && c <= assertRuneMax }

var errAssertRune = errRegexUnsupported("characters U+10F000 to U+10FFFD")

// quoteRune is c as an RE2 literal (also inside brackets).
func quoteRune(c rune) string {
	if reIsAlnum(c) {
		return string(c)
	}
	return fmt.Sprintf(`\x{%x}`, c)
}

// constraint emits an empty-width test, which cannot be quantified.
func (t *reTranslator) constraint(s string) {
	t.commit()
	t.out.WriteString(s)
	t.quantOK = false
}

// assertion emits a custom assertion's placeholder.
func (t *reTranslator) assertion(a *reAssert) error {
	if len(t.asserts) > assertRuneMax-assertRuneBase {
		return errRegex(reETooBig)
	}
	t.asserts = append(t.asserts, a)
	r := quoteRune(rune(assertRuneBase + len(t.asserts) - 1))
	t.constraint(r + r)
	return nil
}

// quantifier emits *, +, ? or a bound (q), with a non-greedy ? after
// it; fixed bounds ({m}) keep the atom's greediness.
func (t *reTranslator) quantifier(q string, fixed bool) error {
	if !t.quantOK {
		return errRegex(reBadRpt)
	}
	pref := prefLonger
	if t.peek() == '?' {
		t.i++
		q += "?"
		pref = prefShorter
	}
	t.out.WriteString(q)
	if f := t.frame(); !fixed {
		f.pending = pref
	}
	t.quantOK = false
	return nil
}

// bound reads a {m}, {m,} or {m,n} bound after its '{'.
func (t *reTranslator) bound() error {
	if !t.quantOK {
		return errRegex(reBadRpt)
	}
	num := func() (int, bool) {
		n, any := 0, false
		for isASCIIDigit(t.peek()) {
			n = n*10 + int(t.next()-'0')
			any = true
			if n > 255 {
				n = 256 // PostgreSQL's DUPMAX is 255
			}
		}
		return n, any
	}
	m, _ := num()
	n, fixed := m, true
	if t.peek() == ',' {
		t.i++
		fixed = false
		var ok bool
		if n, ok = num(); !ok {
			n = -1
		}
	}
	switch {
	case t.eof():
		return errRegex(reEBrace)
	case t.peek() != '}':
		return errRegex(reBadBR)
	}
	t.i++
	if m > 255 || n > 255 || n >= 0 && n < m {
		return errRegex(reBadBR)
	}
	q := fmt.Sprintf("{%d}", m)
	switch {
	case n < 0:
		q = fmt.Sprintf("{%d,}", m)
	case !fixed:
		q = fmt.Sprintf("{%d,%d}", m, n)
	}
	return t.quantifier(q, fixed)
}

// open reads what follows a '(': a group, a comment, or a lookaround.
func (t *reTranslator) open() error {
	if t.peek() != '?' {
		t.group(t.capture)
		return nil
	}
	t.i++
	switch c := t.next(); c {
	case ':':
		t.group(false)
		return nil
	case '#':
		end := strings.IndexByte(t.src[t.i:], ')')
		if end < 0 {
			return errRegex(reEParen)
		}
		t.i += end + 1
		return nil
	case '=', '!':
		return t.lookaround(assertAhead, c == '!')
	case '<':
		if c := t.peek(); c == '=' || c == '!' {
			t.i++
			return t.lookaround(assertBehind, c == '!')
		}
	}
	return errRegex(reBadRpt)
}

// group opens a group, capturing or not. RE2 flattens a non-capturing
// group into what surrounds it, but it is an atom of its own to
// PostgreSQL (with a greediness of its own, which matters when a match
// is dissected): outside lookarounds it is emitted as a capturing group
// too, a "ghost" that groups records as such.
func (t *reTranslator) group(capturing bool) {
	t.commit()
	f := reFrame{slot: len(t.groups)}
	switch {
	case capturing:
		t.ngroups++
		f.group = t.ngroups
		t.out.WriteByte('(')
	case t.capture:
		t.out.WriteByte('(')
	default:
		t.out.WriteString("(?:")
		f.slot = -1
	}
	if f.slot >= 0 {
		t.groups = append(t.groups, f.group)
		t.prefs = append(t.prefs, prefNone)
	}
	t.frames = append(t.frames, f)
	t.quantOK = false
}

// close ends a group.
func (t *reTranslator) close() {
	t.commit()
	f := t.frames[len(t.frames)-1]
	t.frames = t.frames[:len(t.frames)-1]
	t.out.WriteByte(')')
	if f.group > 0 {
		for len(t.closed) <= f.group {
			t.closed = append(t.closed, false)
		}
		t.closed[f.group] = true
	}
	pref := f.pref
	if f.hasAlt {
		pref = prefLonger
	}
	if f.slot >= 0 {
		t.prefs[f.slot] = pref
	}
	t.commit()
	t.frame().pending, t.frame().hasPending = pref, true
	t.quantOK = true
}

// lookaround translates a lookahead or lookbehind constraint's body,
// whose parentheses do not capture, into its own RE.
func (t *reTranslator) lookaround(kind reAssertKind, neg bool) error {
	sub := &reTranslator{src: t.src, i: t.i, opts: t.opts, inLookaround: true}
	if err := sub.run(); err != nil {
		return err
	}
	t.i = sub.i
	re, err := buildRegex(sub.result())
	if err != nil {
		return err
	}
	return t.assertion(&reAssert{kind: kind, neg: neg, re: re})
}

// escape translates a backslash escape outside brackets.
func (t *reTranslator) escape() error {
	if t.eof() {
		return errRegex(reEEscape)
	}
	c := t.next()
	switch c {
	case 'd', 'D', 's', 'S', 'w', 'W':
		t.atom(`\` + string(c))
		return nil
	case 'A':
		t.constraint(`\A`)
		return nil
	case 'Z':
		t.constraint(`\z`)
		return nil
	case 'y':
		t.constraint(`\b`)
		return nil
	case 'Y':
		t.constraint(`\B`)
		return nil
	case 'm':
		return t.assertion(&reAssert{kind: assertWordStart})
	case 'M':
		return t.assertion(&reAssert{kind: assertWordEnd})
	}
	var r rune
	var err error
	if c >= '1' && c <= '9' {
		r, err = t.backref()
	} else {
		r, err = t.charEscape(c)
	}
	if err != nil {
		return err
	}
	t.literal(r)
	return nil
}

// backref reads \N after its first digit (already read). It is a back
// reference when it is a single digit or a number no greater than the
// groups opened so far: those are refused (RE2 has none). Otherwise the
// digits are an octal character code, returned.
func (t *reTranslator) backref() (rune, error) {
	start := t.i - 1
	n := 0
	for t.i = start; isASCIIDigit(t.peek()) && t.i-start < 255; {
		n = min(n*10+int(t.next()-'0'), 1000)
	}
	if t.i == start+1 || n <= t.ngroups {
		if n >= len(t.closed) || !t.closed[n] || !t.capture {
			return 0, errRegex(reESubReg)
		}
		return 0, errRegexUnsupported("back references")
	}
	t.i = start
	return t.digits(8, 1, 3)
}

// charEscape is the character a character-entry escape \c stands for
// (c is read).
func (t *reTranslator) charEscape(c rune) (rune, error) {
	switch c {
	case 'a':
		return 0x07, nil
	case 'b':
		return 0x08, nil
	case 'B':
		return '\\', nil
	case 'c':
		if t.eof() {
			return 0, errRegex(reEEscape)
		}
		return t.next() & 037, nil
	case 'e':
		return 0x1b, nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'v':
		return '\v', nil
	case 'u':
		return t.digits(16, 4, 4)
	case 'U':
		return t.digits(16, 8, 8)
	case 'x':
		return t.digits(16, 1, 255)
	case '0':
		t.i--
		r, err := t.digits(8, 1, 3)
		if err == nil && r > 0xff {
			// Too big for a byte: the last digit is not part of it.
			t.i--
			r >>= 3
		}
		return r, err
	}
	if reIsAlnum(c) {
		return 0, errRegex(reEEscape)
	}
	return c, nil
}

// digits reads a number of base with min to max digits.
func (t *reTranslator) digits(base, min, max int) (rune, error) {
	v, n := 0, 0
	for ; n < max && !t.eof(); n++ {
		d := digitValue(t.peek())
		if d < 0 || d >= base {
			break
		}
		t.i++
		if v = v*base + d; v > utf8.MaxRune {
			return 0, errRegex(reEEscape)
		}
	}
	switch {
	case n < min || !utf8.ValidRune(rune(v)):
		return 0, errRegex(reEEscape)
	case isAssertRune(rune(v)):
		return 0, errAssertRune
	}
	return rune(v), nil
}

func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// posixClasses are the character classes of [[:name:]] (RE2 knows them
// all, as ASCII classes, which is what PostgreSQL's C locale has).
var posixClasses = map[string]bool{"alnum": true, "alpha": true, "blank": true, "cntrl": true,
	"digit": true, "graph": true, "lower": true, "print": true, "punct": true, "space": true,
	"upper": true, "xdigit": true, "word": true}

// bracket translates a bracket expression after its '['.
func (t *reTranslator) bracket() error {
	switch {
	case strings.HasPrefix(t.src[t.i:], "[:<:]]"):
		t.i += 6
		return t.assertion(&reAssert{kind: assertWordStart})
	case strings.HasPrefix(t.src[t.i:], "[:>:]]"):
		t.i += 6
		return t.assertion(&reAssert{kind: assertWordEnd})
	}
	var b strings.Builder
	b.WriteByte('[')
	neg := t.peek() == '^'
	if neg {
		t.i++
		b.WriteByte('^')
	}
	for first := true; ; first = false {
		if t.eof() {
			return errRegex(reEBrack)
		}
		if t.peek() == ']' && !first {
			t.i++
			break
		}
		item, isChar, lo, err := t.bracketElem()
		if err != nil {
			return err
		}
		if t.peek() != '-' || t.i+1 < len(t.src) && t.src[t.i+1] == ']' {
			b.WriteString(item)
			continue
		}
		if !isChar {
			return errRegex(reERange) // a class cannot start a range
		}
		if t.i++; t.eof() { // a range
			return errRegex(reEBrack)
		}
		_, isChar, hi, err := t.bracketElem()
		switch {
		case err != nil:
			return err
		case !isChar:
			return errRegex(reERange)
		case t.eof():
			return errRegex(reEBrack) // PostgreSQL sees that first
		case hi < lo:
			return errRegex(reERange)
		}
		b.WriteString(quoteRune(lo) + "-" + quoteRune(hi))
	}
	if neg && t.opts.nlstop {
		b.WriteString(`\n`)
	}
	b.WriteByte(']')
	t.atom(b.String())
	return nil
}

// bracketElem reads one element of a bracket expression: a character
// (isChar, its value c), or a class (item, in RE2 syntax).
func (t *reTranslator) bracketElem() (item string, isChar bool, c rune, err error) {
	c = t.next()
	switch {
	case c == '[' && (t.peek() == ':' || t.peek() == '.' || t.peek() == '='):
		kind := t.next()
		end := strings.Index(t.src[t.i:], string(kind)+"]")
		if end < 0 {
			return "", false, 0, errRegex(reEBrack)
		}
		name := t.src[t.i : t.i+end]
		t.i += end + 2
		if kind == ':' {
			if !posixClasses[name] {
				return "", false, 0, errRegex(reECType)
			}
			return "[:" + name + ":]", false, 0, nil
		}
		// A collating element or equivalence class: stela knows only
		// single characters.
		r, n := utf8.DecodeRuneInString(name)
		if n == 0 || n != len(name) {
			return "", false, 0, errRegex(reECollate)
		}
		c = r
	case c == '\\':
		if t.eof() {
			return "", false, 0, errRegex(reEEscape)
		}
		e := t.next()
		switch e {
		case 'd', 'D', 's', 'S', 'w', 'W':
			return `\` + string(e), false, 0, nil
		}
		if c, err = t.charEscape(e); err != nil {
			return "", false, 0, err
		}
	}
	return quoteRune(c), true, c, nil
}
