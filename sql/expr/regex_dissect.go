package expr

import "regexp/syntax"

// Finding what each parenthesized subexpression matched, once the whole
// match is known, as PostgreSQL's regexec.c "dissects" a match: the RE
// is split at the parts that hold subexpressions, and each split is
// decided in turn. A concatenation gives its first part the longest
// text the rest can follow (the shortest when that part is non-greedy);
// an alternation takes its first alternative that matches the text. A
// repetition's subexpressions are those of its last iteration: x+ is
// split as x*x, its last x as short as the x* before it can leave (as
// long when non-greedy); x* iterates taking each time the longest (the
// shortest, when x is non-greedy) match of x, falling back on the
// matcher's priorities when that leads nowhere; over an empty text, x*
// and x? iterate once if x can match nothing, unless x is non-greedy.

// subreKind is what a subre node does.
type subreKind int8

const (
	subreLeaf    subreKind = iota // no subexpression inside
	subreCapture                  // a parenthesized subexpression
	subreConcat                   // two parts in sequence
	subreAlt                      // alternatives
	subreIter                     // anything else: repetitions
)

// subre is a node of the tree.
type subre struct {
	kind subreKind
	cap  int          // subreCapture: the subexpression's number (a ghost's is above nsub)
	prog *syntax.Prog // matches the node's text
	kids []*subre
	// shorter (subreConcat) makes the first part prefer its shortest
	// match.
	shorter bool
	// subreIter: the body is kids[0]; op is ?, * or + (RE2's simplified
	// repetitions), lazy when the body is non-greedy (or, for +, the
	// repetition); prefix (+) is the body repeated any number of times;
	// marked (*) runs the repetition with its last iteration as
	// subexpression mark.
	op     syntax.Op
	lazy   bool
	prefix *syntax.Prog
	marked *syntax.Prog
	mark   int
}

// buildSubre builds the tree of a simplified RE.
func (re *pgRegex) buildSubre(n *syntax.Regexp) (*subre, error) {
	if n.MaxCap() == 0 {
		prog, err := re.compile(n)
		return &subre{kind: subreLeaf, prog: prog}, err
	}
	switch {
	case n.Op == syntax.OpCapture:
		kid, err := re.buildSubre(n.Sub[0])
		if err != nil {
			return nil, err
		}
		return &subre{kind: subreCapture, cap: n.Cap, prog: kid.prog, kids: []*subre{kid}}, nil
	case n.Op == syntax.OpConcat && len(n.Sub) == 1:
		return re.buildSubre(n.Sub[0])
	case n.Op == syntax.OpConcat:
		rest := n.Sub[1]
		if len(n.Sub) > 2 {
			rest = &syntax.Regexp{Op: syntax.OpConcat, Flags: n.Flags, Sub: n.Sub[1:]}
		}
		s, err := re.subreOf(subreConcat, n, n.Sub[0], rest)
		if s != nil {
			s.shorter = re.preference(n.Sub[0]) == prefShorter
		}
		return s, err
	case n.Op == syntax.OpAlternate:
		return re.subreOf(subreAlt, n, n.Sub...)
	}
	return re.iterSubre(n)
}

// splitRepeats rewrites the counted repetitions holding subexpressions
// as PostgreSQL's compiler does, so that dissecting reports their last
// iteration: x{m,n} becomes x{m-1,n-1}x, the subexpressions of the
// first part not capturing, and x{0,n} becomes (x{0,n-1}x)? (RE2's
// simplification would copy x with its subexpressions instead).
func splitRepeats(n *syntax.Regexp) *syntax.Regexp {
	if n.MaxCap() == 0 {
		return n
	}
	c := *n
	c.Sub = make([]*syntax.Regexp, len(n.Sub))
	for i, s := range n.Sub {
		c.Sub[i] = splitRepeats(s)
	}
	if c.Op != syntax.OpRepeat {
		return &c
	}
	x := c.Sub[0]
	rep := func(op syntax.Op, min, max int, sub *syntax.Regexp) *syntax.Regexp {
		return &syntax.Regexp{Op: op, Flags: c.Flags, Min: min, Max: max, Sub: []*syntax.Regexp{sub}}
	}
	switch {
	case c.Max == 0:
		return &syntax.Regexp{Op: syntax.OpEmptyMatch} // x{0}: nothing, as in PostgreSQL
	case c.Min == 0 && c.Max < 0:
		return rep(syntax.OpStar, 0, 0, x)
	case c.Min == 0:
		return rep(syntax.OpQuest, 0, 0, splitRepeats(rep(syntax.OpRepeat, 1, c.Max, x)))
	case c.Min == 1 && c.Max == 1:
		return x
	}
	rest := c.Max - 1
	if c.Max < 0 {
		rest = -1
	}
	prefix := rep(syntax.OpRepeat, c.Min-1, rest, uncaptured(x))
	return &syntax.Regexp{Op: syntax.OpConcat, Flags: c.Flags, Sub: []*syntax.Regexp{prefix, x}}
}

// uncaptured is n with its parentheses not capturing.
func uncaptured(n *syntax.Regexp) *syntax.Regexp {
	if n.MaxCap() == 0 {
		return n
	}
	if n.Op == syntax.OpCapture {
		return uncaptured(n.Sub[0])
	}
	c := *n
	c.Sub = make([]*syntax.Regexp, len(n.Sub))
	for i, s := range n.Sub {
		c.Sub[i] = uncaptured(s)
	}
	return &c
}

// subreOf builds a node of kind for n, with kids for parts.
func (re *pgRegex) subreOf(kind subreKind, n *syntax.Regexp, parts ...*syntax.Regexp) (*subre, error) {
	prog, err := re.compile(n)
	if err != nil {
		return nil, err
	}
	s := &subre{kind: kind, prog: prog}
	for _, p := range parts {
		k, err := re.buildSubre(p)
		if err != nil {
			return nil, err
		}
		s.kids = append(s.kids, k)
	}
	return s, nil
}

// iterSubre builds the node of a repetition (?, * or +).
func (re *pgRegex) iterSubre(n *syntax.Regexp) (*subre, error) {
	s, err := re.subreOf(subreIter, n, n.Sub[0])
	if err != nil {
		return nil, err
	}
	s.op, s.lazy = n.Op, re.preference(n.Sub[0]) == prefShorter
	switch n.Op {
	case syntax.OpPlus:
		s.lazy = n.Flags&syntax.NonGreedy != 0
		s.prefix, err = re.compile(&syntax.Regexp{Op: syntax.OpStar, Flags: n.Flags, Sub: n.Sub})
	case syntax.OpStar:
		s.mark = re.ncap + 1
		marked := *n
		marked.Sub = []*syntax.Regexp{{Op: syntax.OpCapture, Cap: s.mark, Sub: n.Sub}}
		s.marked, err = re.compile(&marked)
	}
	return s, err
}

// preference is the greediness of a part of a simplified RE: its first
// quantifier's; a group's is the translator's (PostgreSQL's, which RE2's
// parse may have lost).
func (re *pgRegex) preference(n *syntax.Regexp) int8 {
	switch n.Op {
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		if n.Flags&syntax.NonGreedy != 0 {
			return prefShorter
		}
		return prefLonger
	case syntax.OpAlternate:
		return prefLonger
	case syntax.OpCapture:
		if n.Cap < len(re.capPref) {
			return re.capPref[n.Cap]
		}
		return re.preference(n.Sub[0])
	case syntax.OpConcat:
		for _, s := range n.Sub {
			if p := re.preference(s); p != prefNone {
				return p
			}
		}
	}
	return prefNone
}

// dissect records in loc what the subexpressions inside s matched,
// given that s matches the text from a to b.
func (m *matcher) dissect(s *subre, a, b int, loc []int) {
	switch s.kind {
	case subreCapture:
		if s.cap <= m.re.nsub {
			loc[2*s.cap], loc[2*s.cap+1] = a, b
		}
		m.dissect(s.kids[0], a, b, loc)
	case subreConcat:
		left, right := s.kids[0], s.kids[1]
		ends := m.nfa(left.prog).ends(a, b)
		mid := m.nfa(right.prog).bestStart(a, b, !s.shorter, func(pos int) bool { return ends[pos-a] })
		if mid >= 0 {
			m.dissect(left, a, mid, loc)
			m.dissect(right, mid, b, loc)
		}
	case subreAlt:
		for _, k := range s.kids {
			if m.nfa(k.prog).ends(a, b)[b-a] {
				m.dissect(k, a, b, loc)
				return
			}
		}
	case subreIter:
		if a == b {
			body := s.kids[0]
			if (s.op == syntax.OpPlus || !s.lazy) && m.nfa(body.prog).ends(a, a)[0] {
				m.dissect(body, a, a, loc)
			}
			return
		}
		if a = m.lastIteration(s, a, b); a >= 0 {
			m.dissect(s.kids[0], a, b, loc)
		}
	}
}

// lastIteration is where the last iteration of repetition s over a..b
// (not empty) starts, or -1.
func (m *matcher) lastIteration(s *subre, a, b int) int {
	body := m.nfa(s.kids[0].prog)
	switch s.op {
	case syntax.OpPlus:
		ends := m.nfa(s.prefix).ends(a, b)
		return body.bestStart(a, b, !s.lazy, func(pos int) bool { return ends[pos-a] })
	case syntax.OpStar:
		for pos := a; ; {
			ends := body.ends(pos, b)
			next := -1
			for i := 1; i < len(ends); i++ {
				if ends[i] && (next < 0 || !s.lazy) {
					next = pos + i
				}
			}
			switch {
			case next == b:
				return pos
			case next < 0:
				// A dead end: PostgreSQL backtracks; stela takes
				// the matcher's choice.
				c := m.nfa(s.marked).capture(a, b)
				if c == nil {
					return -1
				}
				return c[2*s.mark]
			}
			pos = next
		}
	}
	return a
}
