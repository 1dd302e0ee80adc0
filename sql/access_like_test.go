package sql

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// TestLikePrefix: the fixed prefix stops at the first unescaped
// wildcard, escapes are removed, ILIKE's stops at a letter or a
// non-ASCII character, and a pattern ending in an escape has none.
func TestLikePrefix(t *testing.T) {
	for _, c := range []struct {
		pattern      string
		fold         bool
		prefix, rest string
		ok           bool
	}{
		{"abc%", false, "abc", "%", true},
		{"abc", false, "abc", "", true},
		{"", false, "", "", true},
		{"%abc", false, "", "%abc", true},
		{"ab_d%", false, "ab", "_d%", true},
		{`a\%b%`, false, "a%b", "%", true},
		{`a\_b`, false, "a_b", "", true},
		{`a\\%`, false, `a\`, "%", true},
		{`a\éb%`, false, "aéb", "%", true},
		{"日本%", false, "日本", "%", true},
		{`ab\`, false, "ab", "", true}, // like_fixed_prefix: the escape ends it
		{"a\xffb%", false, "", "", false},
		{"1-b%", true, "1-", "b%", true},
		{"12%", true, "12", "%", true},
		{"1é%", true, "1", "é%", true},
		{`1\b%`, true, "1", `\b%`, true},
		{"Ab%", true, "", "Ab%", true},
	} {
		prefix, rest, ok := likePrefix(c.pattern, c.fold)
		if prefix != c.prefix || rest != c.rest || ok != c.ok {
			t.Errorf("likePrefix(%q, %v) = %q, %q, %v; want %q, %q, %v", c.pattern, c.fold, prefix, rest, ok, c.prefix, c.rest, c.ok)
		}
	}
}

// TestPrefixSuccessor: the successor is the prefix with its last
// character incremented, past U+10FFFF the one before it, skipping the
// surrogates; it is valid UTF-8 and greater than every string that
// starts with the prefix.
func TestPrefixSuccessor(t *testing.T) {
	for _, c := range []struct {
		prefix, succ string
		ok           bool
	}{
		{"ab", "ac", true},
		{"a\x7f", "a\u0080", true},
		{"é", "ê", true},
		{"ÿ", "Ā", true},
		{"a\uffff", "a\U00010000", true},
		{"a\ud7ff", "a\ue000", true},
		{"a\U0010ffff", "b", true},
		{"\U0010ffff\U0010ffff", "", false},
		{"", "", false},
	} {
		succ, ok := prefixSuccessor(c.prefix)
		if succ != c.succ || ok != c.ok {
			t.Errorf("prefixSuccessor(%q) = %q, %v; want %q, %v", c.prefix, succ, ok, c.succ, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if !utf8.ValidString(succ) {
			t.Errorf("prefixSuccessor(%q) = %q: not UTF-8", c.prefix, succ)
		}
		for _, tail := range []string{"", "a", "\U0010ffff\U0010ffff"} {
			if s := c.prefix + tail; s >= succ {
				t.Errorf("prefixSuccessor(%q) = %q, not above %q", c.prefix, succ, s)
			}
		}
	}
}

// TestLikeColPreds: a constant pattern on a text or varchar column
// implies a range or an equality; other shapes imply nothing.
func TestLikeColPreds(t *testing.T) {
	txt := &expr.ColRef{Idx: 1, T: types.Text, Name: "s"}
	vc := &expr.Cast{Arg: &expr.ColRef{Idx: 2, T: types.Varchar, Name: "v"}, T: types.Text}
	bp := &expr.ColRef{Idx: 3, T: types.Bpchar, Name: "c"}
	pat := func(s string) expr.Expr { return &expr.Const{T: types.Text, V: s, Loc: -1} }
	show := func(ps []colPred) string {
		var parts []string
		for _, p := range ps {
			if !p.implied {
				parts = append(parts, "not implied!")
			}
			var v string
			switch e := p.vals[0].(type) {
			case *expr.Const:
				v = e.V.(string)
			case *expr.Func:
				v = e.Name + "()" // a bound of a pattern known when run
			}
			if p.like {
				v += " like"
			}
			parts = append(parts, string(rune('0'+p.col))+" "+p.op+" "+v)
		}
		return strings.Join(parts, ", ")
	}
	for _, c := range []struct {
		name string
		e    expr.Expr
		want string
	}{
		{"prefix", selOp("~~", txt, pat("ab%")), "1 >= ab, 1 < ac"},
		{"exact", selOp("~~", txt, pat("ab")), "1 = ab"},
		{"varchar", selOp("~~", vc, pat("x_")), "2 >= x, 2 < y"},
		{"open above", selOp("~~", txt, pat("\U0010ffff%")), "1 >= \U0010ffff"},
		{"escape", selOp("~~", txt, &expr.Func{Name: "like_escape", Args: []expr.Expr{pat("a#%%"), pat("#")}}), "1 >= a%, 1 < a&"},
		{"ilike without letters", selOp("~~*", txt, pat("1-b%")), "1 >= 1-, 1 < 1."},
		{"ilike", selOp("~~*", txt, pat("ab%")), ""},
		{"leading wildcard", selOp("~~", txt, pat("%ab")), ""},
		{"not like", selOp("!~~", txt, pat("ab%")), ""},
		{"bpchar", selOp("~~", bp, pat("ab%")), ""},
		{"null pattern", selOp("~~", txt, &expr.Const{T: types.Text, Loc: -1}), ""},
		{"parameter", selOp("~~", txt, &expr.Param{Index: 1, T: types.Text}), "1 >= like_prefix() like, 1 < like_prefix_successor() like"},
		{"ilike parameter", selOp("~~*", txt, &expr.Param{Index: 1, T: types.Text}), "1 >= like_prefix() like, 1 < like_prefix_successor() like"},
		{"column pattern", selOp("~~", txt, &expr.ColRef{Idx: 4, T: types.Text, Name: "p"}), ""},
		{"trailing escape", selOp("~~", txt, pat(`ab\`)), "1 = ab"},
	} {
		if got := show(likeColPreds(c.e)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestLikeSelectivity: without statistics, PostgreSQL's defaults: an
// exact pattern as an equality, a prefix as DEFAULT_MATCH_SEL, times
// the rest of the pattern's factors; NOT LIKE the rest; a NULL pattern
// nothing.
func TestLikeSelectivity(t *testing.T) {
	s := &expr.ColRef{Idx: 0, T: types.Text, Name: "s"}
	pat := func(p string) expr.Expr { return &expr.Const{T: types.Text, V: p, Loc: -1} }
	for _, c := range []struct {
		name string
		e    expr.Expr
		want float64
	}{
		{"prefix", selOp("~~", s, pat("ab%")), 0.005},
		{"exact", selOp("~~", s, pat("ab")), 0.005},
		// The rest's leading wildcards count nothing.
		{"prefix and rest", selOp("~~", s, pat("ab%cd_")), 0.005 * 0.2 * 0.2 * 0.9},
		{"wildcard inside the rest", selOp("~~", s, pat("ab_c%")), 0.005 * 0.2 * 5},
		{"no prefix", selOp("~~", s, pat("%pp%")), 0.2 * 0.2 * 5},
		{"only wildcards", selOp("~~", s, pat("%")), 0.9999},
		{"tiny", selOp("~~", s, pat("%abcdefgh")), 0.0001},
		{"not like", selOp("!~~", s, pat("%pp%")), 1 - 0.2},
		{"ilike: letters are no prefix", selOp("~~*", s, pat("ab%")), 0.2 * 0.2 * 5},
		{"null pattern", selOp("~~", s, &expr.Const{T: types.Text, Loc: -1}), 0},
		{"parameter", selOp("~~", s, &expr.Param{Index: 1, T: types.Text}), 0.005},
	} {
		if got := selectivity(c.e); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: selectivity %g, want %g", c.name, got, c.want)
		}
	}
}

// TestLikeSelectivityWithStats: the most common values are tested one
// by one and the estimate covers the rest of the rows; an exact pattern
// uses the equality's estimate.
func TestLikeSelectivityWithStats(t *testing.T) {
	s := &expr.ColRef{Idx: 0, T: types.Text, Name: "s"}
	pat := func(p string) expr.Expr { return &expr.Const{T: types.Text, V: p, Loc: -1} }
	st := &colStats{rows: 1000, cols: []engine.ColumnStats{{
		T: types.Text, NullFrac: 0.1, NDistinct: 50,
		MCV: []types.Datum{"apple", "banana"}, MCVFreqs: []float64{0.3, 0.2},
	}}}
	for _, c := range []struct {
		name string
		e    expr.Expr
		want float64
	}{
		// No histogram: DEFAULT_MATCH_SEL for the prefix's range.
		{"prefix", selOp("~~", s, pat("ap%")), 0.005*(1-0.1-0.5) + 0.3},
		{"not like", selOp("!~~", s, pat("ap%")), 1 - (0.005*(1-0.1-0.5) + 0.3) - 0.1},
		{"exact", selOp("~~", s, pat("banana")), 0.2},
		{"no match among the common values", selOp("~~", s, pat("%x")), 0.2 * (1 - 0.1 - 0.5)},
	} {
		if got := selectivityWith(c.e, st); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: selectivity %g, want %g", c.name, got, c.want)
		}
	}
}
