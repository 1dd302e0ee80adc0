package expr

import (
	"regexp/syntax"
	"unicode/utf8"
)

// stela's regular expression matcher: a simulation of the compiled
// program's NFA (a "Pike VM", all threads in step), so that time is
// linear in the text for a given pattern whatever it is. Go's regexp
// cannot be used to find matches because PostgreSQL's semantics differ
// from a backtracking engine's: the RE as a whole matches the longest
// string (or, when non-greedy, the shortest) at the leftmost position,
// and a search may start in the middle of a text whose earlier
// characters still decide ^, \y and lookbehinds. Threads are kept in
// priority order, and one reaching an instruction another already holds
// is dropped, the standard way of preferring one path among equals.
// The matcher also evaluates the assertions RE2 has no instruction for
// (\m, \M, lookahead, lookbehind), and answers the questions the
// dissection of a match into subexpressions asks (regex_dissect.go).

// matcher matches one RE against one text.
type matcher struct {
	re   *pgRegex
	text string
	nfas map[*syntax.Prog]*nfa
	// subs are the matchers of lookaround constraints' REs, and known
	// their results by assertion and position.
	subs   map[*pgRegex]*matcher
	known  map[[2]int]bool
	absent bool // Go's regexp found no match anywhere in text
}

func (re *pgRegex) matcher(text string) *matcher {
	m := &matcher{re: re, text: text}
	m.absent = re.goRe != nil && !re.goRe.MatchString(text)
	return m
}

// find returns the match starting the search at byte offset pos, or
// nil: its bounds, then those of each subexpression when groups is set
// (-1 for a subexpression that did not take part), in bytes.
func (m *matcher) find(pos int, groups bool) []int {
	if m.absent {
		return nil
	}
	s, e, ok := m.nfa(m.re.prog).search(pos, m.re.shortest)
	if !ok {
		return nil
	}
	if !groups {
		return []int{s, e}
	}
	loc := make([]int, 2*(m.re.nsub+1))
	for i := range loc {
		loc[i] = -1
	}
	loc[0], loc[1] = s, e
	if m.re.tree != nil {
		m.dissect(m.re.tree, s, e, loc)
	}
	return loc
}

// nfa returns the simulation of one of the RE's programs.
func (m *matcher) nfa(p *syntax.Prog) *nfa {
	if v := m.nfas[p]; v != nil {
		return v
	}
	if m.nfas == nil {
		m.nfas = map[*syntax.Prog]*nfa{}
	}
	v := &nfa{m: m, prog: p, ncap: max(2*(m.re.nsub+1), p.NumCap)}
	v.q0.init(len(p.Inst))
	v.q1.init(len(p.Inst))
	m.nfas[p] = v
	return v
}

// position is what empty-width tests look at: the characters before
// and at a position (-1 at the ends of the text).
type position struct {
	pos        int
	prev, next rune
	w          int // bytes of next
	flag       syntax.EmptyOp
}

func (m *matcher) at(pos int) position {
	p := position{pos: pos, prev: -1, next: -1}
	if pos > 0 {
		p.prev, _ = utf8.DecodeLastRuneInString(m.text[:pos])
	}
	if pos < len(m.text) {
		p.next, p.w = utf8.DecodeRuneInString(m.text[pos:])
	}
	p.flag = syntax.EmptyOpContext(p.prev, p.next)
	return p
}

// empty evaluates an empty-width instruction's test at p.
func (m *matcher) empty(arg uint32, p *position) bool {
	if arg < assertArgBase {
		return syntax.EmptyOp(arg)&^p.flag == 0
	}
	k := int(arg - assertArgBase)
	a := m.re.asserts[k]
	switch a.kind {
	case assertWordStart:
		return !isWordRune(p.prev) && isWordRune(p.next)
	case assertWordEnd:
		return isWordRune(p.prev) && !isWordRune(p.next)
	}
	key := [2]int{k, p.pos}
	if ok, known := m.known[key]; known {
		return ok
	}
	sub := m.subs[a.re]
	if sub == nil {
		if m.subs == nil {
			m.subs, m.known = map[*pgRegex]*matcher{}, map[[2]int]bool{}
		}
		sub = a.re.matcher(m.text)
		m.subs[a.re] = sub
	}
	v := sub.nfa(a.re.prog)
	ok := false
	switch {
	case sub.absent:
	case a.kind == assertAhead:
		ok = v.matchFrom(p.pos)
	default:
		from := 0
		if n := a.re.maxRunes; n >= 0 {
			from = p.pos
			for ; n > 0 && from > 0; n-- {
				_, w := utf8.DecodeLastRuneInString(m.text[:from])
				from -= w
			}
		}
		ok = v.bestStart(from, p.pos, false, func(int) bool { return true }) >= 0
	}
	ok = ok != a.neg
	m.known[key] = ok
	return ok
}

// isWordRune reports whether r is a word character of \w, \y, \m and
// \M: ASCII letters, digits and '_', as in PostgreSQL's C locale.
func isWordRune(r rune) bool { return r >= 0 && syntax.IsWordChar(r) }

// nfa simulates one program over the matcher's text.
type nfa struct {
	m      *matcher
	prog   *syntax.Prog
	q0, q1 queue
	ncap   int
	free   [][]int
}

// queue is the set of threads at one position, in priority order: a
// sparse set of instruction indexes.
type queue struct {
	sparse []uint32
	dense  []thread
}

// thread is a thread waiting at an instruction that consumes a
// character or matches; entries of other instructions only mark them
// visited.
type thread struct {
	pc    uint32
	start int   // where the thread's match began
	cap   []int // subexpression bounds, when tracked
}

func (q *queue) init(n int) {
	q.sparse = make([]uint32, n)
	q.dense = make([]thread, 0, n)
}

func (q *queue) has(pc uint32) bool {
	j := q.sparse[pc]
	return j < uint32(len(q.dense)) && q.dense[j].pc == pc
}

// queues returns the two queues, empty.
func (v *nfa) queues() (*queue, *queue) {
	v.q0.dense, v.q1.dense = v.q0.dense[:0], v.q1.dense[:0]
	return &v.q0, &v.q1
}

// add adds a thread at instruction pc, following the instructions that
// do not consume a character (in priority order) at position p.
func (v *nfa) add(q *queue, pc uint32, p *position, start int, cap []int) {
	if q.has(pc) {
		return
	}
	j := len(q.dense)
	q.dense = append(q.dense, thread{pc: pc})
	q.sparse[pc] = uint32(j)
	inst := &v.prog.Inst[pc]
	switch inst.Op {
	case syntax.InstFail:
	case syntax.InstAlt, syntax.InstAltMatch:
		v.add(q, inst.Out, p, start, cap)
		v.add(q, inst.Arg, p, start, cap)
	case syntax.InstEmptyWidth:
		if v.m.empty(inst.Arg, p) {
			v.add(q, inst.Out, p, start, cap)
		}
	case syntax.InstNop:
		v.add(q, inst.Out, p, start, cap)
	case syntax.InstCapture:
		if cap != nil && int(inst.Arg) < len(cap) {
			old := cap[inst.Arg]
			cap[inst.Arg] = p.pos
			v.add(q, inst.Out, p, start, cap)
			cap[inst.Arg] = old
		} else {
			v.add(q, inst.Out, p, start, cap)
		}
	default:
		t := &q.dense[j]
		t.start = start
		if cap != nil {
			t.cap = append(v.newCap(), cap...)
		}
	}
}

func (v *nfa) newCap() []int {
	if n := len(v.free); n > 0 {
		c := v.free[n-1]
		v.free = v.free[:n-1]
		return c[:0]
	}
	return make([]int, 0, v.ncap)
}

// step moves runq's threads over next, the character at p, into nextq
// (at np; nil at the end of what is examined). A thread at a match is
// passed to match, which stops the step (lower-priority threads die)
// by returning true; skip, when set, drops threads.
func (v *nfa) step(runq, nextq *queue, p, np *position, match, skip func(*thread) bool) {
	r := p.next
	for i := range runq.dense {
		t := &runq.dense[i]
		inst := &v.prog.Inst[t.pc]
		ok := false
		switch {
		case skip != nil && skip(t):
		case inst.Op == syntax.InstMatch:
			if match != nil && match(t) {
				v.release(runq.dense[i:])
				return
			}
		case np == nil || r < 0:
		case inst.Op == syntax.InstRune:
			ok = inst.MatchRune(r)
		case inst.Op == syntax.InstRune1:
			ok = r == inst.Rune[0]
		case inst.Op == syntax.InstRuneAny:
			ok = true
		case inst.Op == syntax.InstRuneAnyNotNL:
			ok = r != '\n'
		}
		if ok {
			v.add(nextq, inst.Out, np, t.start, t.cap)
		}
		if t.cap != nil {
			v.free = append(v.free, t.cap)
			t.cap = nil
		}
	}
}

func (v *nfa) release(ts []thread) {
	for i := range ts {
		if ts[i].cap != nil {
			v.free = append(v.free, ts[i].cap)
			ts[i].cap = nil
		}
	}
}

// next returns the position after p, or nil at the end of the text or
// at stop.
func (v *nfa) next(p *position, stop int) *position {
	if p.next < 0 || p.pos >= stop {
		return nil
	}
	np := v.m.at(p.pos + p.w)
	return &np
}

// search finds the leftmost match starting at from or later: the
// longest one there, or the shortest.
func (v *nfa) search(from int, shortest bool) (start, end int, ok bool) {
	runq, nextq := v.queues()
	start, end = -1, -1
	p := v.m.at(from)
	skip := func(t *thread) bool { return ok && (t.start > start || shortest && t.start == start) }
	for {
		if !ok {
			v.add(runq, uint32(v.prog.Start), &p, p.pos, nil)
		}
		if len(runq.dense) == 0 && (ok || p.next < 0) {
			break
		}
		np := v.next(&p, len(v.m.text))
		pos := p.pos
		v.step(runq, nextq, &p, np, func(t *thread) bool {
			if !ok || t.start < start || !shortest && t.start == start && pos > end {
				start, end, ok = t.start, pos, true
			}
			return shortest
		}, skip)
		if np == nil {
			break
		}
		p = *np
		runq, nextq = nextq, runq
		nextq.dense = nextq.dense[:0]
	}
	return start, end, ok
}

// ends lists where matches starting exactly at from end, up to stop
// (ends[i] for from+i).
func (v *nfa) ends(from, stop int) []bool {
	ends := make([]bool, stop-from+1)
	v.anchored(from, stop, nil, func(_ *thread, pos int) bool {
		ends[pos-from] = true
		return false
	})
	return ends
}

// matchFrom reports whether a match starts exactly at from.
func (v *nfa) matchFrom(from int) bool {
	found := false
	v.anchored(from, len(v.m.text), nil, func(*thread, int) bool {
		found = true
		return true
	})
	return found
}

// anchored runs the program from a single start at from, with
// capture slots cap (nil: none), until no thread is left, stop or the
// text's end is reached, or matched, called for each thread that
// matches and given the position, returns true (which also cuts the
// lower-priority threads, as step's callback does).
func (v *nfa) anchored(from, stop int, cap []int, matched func(t *thread, pos int) bool) {
	runq, nextq := v.queues()
	p := v.m.at(from)
	v.add(runq, uint32(v.prog.Start), &p, from, cap)
	done := false
	for len(runq.dense) > 0 {
		np := v.next(&p, stop)
		pos := p.pos
		v.step(runq, nextq, &p, np, func(t *thread) bool {
			done = matched(t, pos)
			return done
		}, nil)
		if done || np == nil {
			return
		}
		p = *np
		runq, nextq = nextq, runq
		nextq.dense = nextq.dense[:0]
	}
}

// bestStart finds, among the positions from from on that seed accepts,
// a start of a match ending exactly at stop: the latest one, or the
// earliest; -1 when there is none.
func (v *nfa) bestStart(from, stop int, latest bool, seed func(pos int) bool) int {
	runq, nextq := v.queues()
	p := v.m.at(from)
	if seed(from) {
		v.add(runq, uint32(v.prog.Start), &p, from, nil)
	}
	best := -1
	for {
		np := v.next(&p, stop)
		if latest && np != nil && seed(np.pos) {
			v.add(nextq, uint32(v.prog.Start), np, np.pos, nil)
		}
		pos := p.pos
		v.step(runq, nextq, &p, np, func(t *thread) bool {
			if pos == stop {
				best = t.start
				return true
			}
			return false
		}, nil)
		if best >= 0 || np == nil {
			return best
		}
		if !latest && seed(np.pos) {
			v.add(nextq, uint32(v.prog.Start), np, np.pos, nil)
		}
		p = *np
		runq, nextq = nextq, runq
		nextq.dense = nextq.dense[:0]
	}
}

// capture returns the subexpression bounds of the highest-priority
// path matching exactly from..stop, or nil.
func (v *nfa) capture(from, stop int) []int {
	cap := make([]int, v.ncap)
	for i := range cap {
		cap[i] = -1
	}
	cap[0] = from
	var found []int
	v.anchored(from, stop, cap, func(t *thread, pos int) bool {
		if pos == stop {
			found = append([]int(nil), t.cap...)
			found[1] = stop
			return true
		}
		return false
	})
	v.release(v.q0.dense)
	v.release(v.q1.dense)
	return found
}
