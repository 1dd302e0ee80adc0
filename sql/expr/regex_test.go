package expr

import (
	"strings"
	"testing"

	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The expected values below are PostgreSQL 15's.

// matchText formats regexp_match's result: the elements joined by '|',
// NULL elements as <N>, no match as <none>.
func matchText(t *testing.T, s, pattern, flags string) string {
	t.Helper()
	d, err := regexpMatch(s, pattern, flags)
	if err != nil {
		return "ERROR " + err.Error()
	}
	if d == nil {
		return "<none>"
	}
	var parts []string
	for _, e := range d.(*types.Array).Elems {
		if e == nil {
			parts = append(parts, "<N>")
		} else {
			parts = append(parts, e.(string))
		}
	}
	return strings.Join(parts, "|")
}

func TestRegexMatchRules(t *testing.T) {
	for _, c := range []struct{ pattern, flags, text, want string }{
		// The longest match at the leftmost position...
		{`a|ab`, "", "ab", "ab"},
		// ... the shortest when the RE's first quantifier is non-greedy.
		{`(.*?)=(.*)`, "", "a=b=c", "a|"},
		{`Y*?([0-9]{1,3})`, "", "XY1234Z", "1"},
		{`Y*([0-9]{1,3})`, "", "XY1234Z", "123"},
		{`(a|b)c*?`, "", "abc", "a"},
		// Subexpressions: each part by its own preference, in order.
		{`(a|ab)(c|bcd)(d*)`, "", "abcd", "ab|c|d"},
		{`(.*?)(.*)d`, "", "abcd", "|abc"},
		{`(?:[ab]*?.?[^a]??)(b*?c?\w)`, "", "cacx", "c"},
		{`(?:[ab]*?.?[^a]??)(b*?c?\w)[^a]*[^a]{2}|((?:a|b)?)?`, "", "cacxcca c", "ca|<N>"},
		{`c?(?:\w*?[^a]+)([^a]*\w+c?)`, "", "cabbcabaxc", "bcabaxc"},
		// Repetitions report their last iteration.
		{`((a)|b)+`, "", "abc", "b|<N>"},
		{`(([ab]{2}|c{1,2}a?b*|.+?[ab]){1,}){1,2}([ab]?c)*b*`, "", "ccaaa", "aa|aa|<N>"},
		{`(x??)?`, "", "c", "<N>"},
		{`(b?)?`, "", "c", ""},
		{`(x)?b`, "", "abc", "<N>"},
		// Lookaround and word boundaries.
		{`(?<=\$)(\d+)`, "", "price: $42", "42"},
		{`(?=(a))(a)`, "", "ab", "a"},
		{`\m\w+$`, "", "foo bar", "bar"},
		{`c(?!d)`, "", "abc", "c"},
		// Flags.
		{`^c`, "n", "ab\ncd", "c"},
		{`^c`, "", "ab\ncd", "<none>"},
		{`b.c`, "p", "ab\ncd", "<none>"},
		{`a b c # comment`, "x", "abc", "abc"},
		{`a.c`, "q", "a.c", "a.c"},
		{`(?i)b(c)`, "", "AbC", "C"},
		{`***=a.c`, "", "xa.c", "a.c"},
	} {
		if got := matchText(t, c.text, c.pattern, c.flags); got != c.want {
			t.Errorf("regexp_match(%q, %q, %q) = %q, want %q", c.text, c.pattern, c.flags, got, c.want)
		}
	}
}

func TestRegexErrors(t *testing.T) {
	for _, c := range []struct{ pattern, flags, code, msg string }{
		{`(`, "", "2201B", "invalid regular expression: parentheses () not balanced"},
		{`[a`, "", "2201B", "invalid regular expression: brackets [] not balanced"},
		{`a**`, "", "2201B", "invalid regular expression: quantifier operand invalid"},
		{`{2,1}`, "", "2201B", "invalid regular expression: quantifier operand invalid"},
		{`a{2,1}`, "", "2201B", "invalid regular expression: invalid repetition count(s)"},
		{`a{1`, "", "2201B", "invalid regular expression: braces {} not balanced"},
		{`\q`, "", "2201B", `invalid regular expression: invalid escape \ sequence`},
		{`[z-a]`, "", "2201B", "invalid regular expression: invalid character range"},
		{`[\s-x]`, "", "2201B", "invalid regular expression: invalid character range"},
		{`[[:foo:]]`, "", "2201B", "invalid regular expression: invalid character class"},
		{`(a\1)`, "", "2201B", "invalid regular expression: invalid backreference number"},
		{`***?`, "", "2201B", "invalid regular expression: invalid regexp (reg version 0.8)"},
		{`(?z)a`, "", "2201B", "invalid regular expression: invalid embedded option"},
		{`(a)\1`, "", "0A000", "regular expression back references are not supported"},
		{`a`, "z", "22023", `invalid regular expression option: "z"`},
		{`a`, "g", "22023", `regexp_match() does not support the "global" option`},
	} {
		_, err := regexpMatch("a", c.pattern, c.flags)
		pe, _ := err.(*pgerror.Error)
		if pe == nil || string(pe.Code) != c.code || pe.Message != c.msg {
			t.Errorf("regexp_match('a', %q, %q): got %v, want %s %s", c.pattern, c.flags, err, c.code, c.msg)
		}
	}
}

func TestRegexReplace(t *testing.T) {
	for _, c := range []struct {
		text, pattern, repl string
		start, n            int64
		flags, want         string
	}{
		{"abcabc", "(b)(c)", `[\2\1\3\&\\\q]`, 1, noN, "g", `a[cbbc\\q]a[cbbc\\q]`},
		{"abc", "b*", "-", 1, noN, "g", "-a--c-"},
		{"aaa", "^a", "X", 1, noN, "g", "Xaa"},
		{"abab", "b*", "-", 1, 2, "", "a-ab"},
		{"abcbcb", "b", "X", 2, 0, "", "aXcXcX"},
		{"abab", "(?<=a)b", "X", 2, noN, "", "aXab"},
		{"héllo wörld", "[éö]", "_", 1, noN, "g", "h_llo w_rld"},
	} {
		got, err := regexpReplace(c.text, c.pattern, c.repl, c.start, c.n, c.flags)
		if err != nil || got != c.want {
			t.Errorf("regexp_replace(%q, %q, %q, %d, %d, %q) = %v, %v; want %q", c.text, c.pattern, c.repl, c.start, c.n, c.flags, got, err, c.want)
		}
	}
}

func TestSimilarToRegex(t *testing.T) {
	hash, none := "#", ""
	for _, c := range []struct {
		pattern string
		esc     *string
		want    string
	}{
		{`a%b_c(d|e)[f]\.^$`, nil, `^(?:a.*b.c(?:d|e)[f]\.\^\$)$`},
		{`a#%`, &hash, `^(?:a\%)$`},
		{`a"b`, &none, `^(?:a"b)$`},
		{`%#"o_b#"%`, &hash, `^(?:.*){1,1}?(o.b){1,1}(?:.*)$`},
	} {
		got, err := similarToRegex(c.pattern, c.esc)
		if err != nil || got != c.want {
			t.Errorf("similar_to_escape(%q) = %q, %v; want %q", c.pattern, got, err, c.want)
		}
	}
}

// TestRegexLinear guards against matching time growing faster than the
// text: every operation below is one pass or a few.
func TestRegexLinear(t *testing.T) {
	big := strings.Repeat("abc123 def456\n", 20000)
	for _, p := range []string{`\d+`, `(\w+) (\w+)`, `(?<=c)1`, `\m\w`, `(.*?)\n`, `x*`, `(a|ab)(c|bcd)`, `((\w)\d)+`} {
		if _, err := regexpReplace(big, p, `<\1>`, 1, noN, "g"); err != nil {
			t.Fatal(err)
		}
	}
	if parts, _ := regexpSplit("regexp_split_to_array()", big, `\s+`, ""); len(parts) != 40001 {
		t.Errorf("got %d parts", len(parts))
	}
}
