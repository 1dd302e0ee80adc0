package parser

import (
	"strconv"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// The parse cache. pg_query parses in C and hands the tree over as
// protobuf, packed in C and unpacked in Go: for a one-line SELECT or
// INSERT that is 20 µs, a third of the server's time on a
// simple-protocol statement (docs/BENCHMARKS.md, "Simple-protocol
// statements"). Clients that do not prepare statements (psql scripts,
// psycopg2, node-postgres without parameters, JDBC before its prepare
// threshold, pgbench -M simple) send the same statements again and
// again, with other literal values.
//
// So the tree of a data statement is kept under its literal-masked text
// (literals.go), as a template: a later string with the same key gets a
// copy of the template with its own literal values set. The key keeps
// every literal's length, so the copy's byte offsets (error positions,
// the statement's text) are the string's own. A template is kept only
// if each literal the masking found is exactly one A_Const of its value
// at its offset (or, negated, at the offset of the minus before it, as
// PostgreSQL's grammar folds "-5"): the tree then depends on the
// literals only through those nodes. Only one-statement strings of
// SELECT, INSERT, UPDATE, DELETE and transaction control are kept, and
// neither AS OF clauses nor SELECT INTO.

// template is a kept statement tree.
type template struct {
	// mu guards the tree's literal values, set before each copy.
	mu     sync.Mutex
	stmt   *pg_query.Node
	consts []*pg_query.A_Const // consts[i] holds literal i
	negate []bool              // literal i is the A_Const's value negated
	// stmtStart and stmtEnd are the statement's text within the string.
	stmtStart, stmtEnd int
}

// parseCache holds the templates by key.
type parseCache struct {
	mu    sync.RWMutex
	byKey map[string]*template
}

// maxTemplates bounds the cache; when it is full it starts over.
const maxTemplates = 2048

var cache = parseCache{byKey: map[string]*template{}}

// cachedParse returns the statement of sql from a template, if one is
// kept for key; lits are sql's literals.
func cachedParse(sql, key string, lits []literal) (Statement, bool) {
	cache.mu.RLock()
	t := cache.byKey[key]
	cache.mu.RUnlock()
	if t == nil || len(t.consts) != len(lits) {
		return Statement{}, false
	}
	t.mu.Lock()
	for i, l := range lits {
		if !setConst(t.consts[i], l, t.negate[i]) {
			t.mu.Unlock()
			return Statement{}, false
		}
	}
	stmt := cloneNode(t.stmt)
	t.mu.Unlock()
	return Statement{AST: stmt, SQL: strings.TrimSpace(sql[t.stmtStart:t.stmtEnd]), Offset: t.stmtStart, Full: sql}, true
}

// keepTemplate keeps the tree of sql's one statement under key if its
// literals are what the masking found.
func keepTemplate(key string, lits []literal, raw *pg_query.RawStmt, ast *pg_query.Node, sql string) {
	if !cacheable(ast) {
		return
	}
	t := &template{stmt: cloneNode(ast)}
	t.stmtStart, t.stmtEnd = stmtBounds(raw, len(sql))
	byLoc := map[int32]*pg_query.A_Const{}
	ok := true
	Walk(t.stmt, func(n *pg_query.Node) bool {
		// A_Const is only ever a Node's member in pg_query's tree.
		if c := n.GetAConst(); c != nil {
			if _, dup := byLoc[c.Location]; dup {
				ok = false
			}
			byLoc[c.Location] = c
		}
		return true
	})
	if !ok {
		return
	}
	for _, l := range lits {
		c, negate := byLoc[int32(l.start)], false
		if c == nil {
			if c = byLoc[int32(minusBefore(sql, l.start))]; c == nil {
				return
			}
			negate = true
		}
		if !constIs(c, l, negate) {
			return
		}
		delete(byLoc, c.Location) // one literal per node
		t.consts = append(t.consts, c)
		t.negate = append(t.negate, negate)
	}
	cache.mu.Lock()
	if len(cache.byKey) >= maxTemplates {
		cache.byKey = map[string]*template{}
	}
	cache.byKey[key] = t
	cache.mu.Unlock()
}

// cacheable reports whether a statement's tree may be kept.
func cacheable(n *pg_query.Node) bool {
	switch n.Node.(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt,
		*pg_query.Node_DeleteStmt, *pg_query.Node_TransactionStmt:
		return true
	}
	return false
}

// minusBefore returns the offset of a '-' before offset i with only
// spaces between, or -1.
func minusBefore(sql string, i int) int {
	for j := i - 1; j >= 0; j-- {
		switch sql[j] {
		case ' ', '\t', '\n', '\r':
			continue
		case '-':
			return j
		}
		return -1
	}
	return -1
}

// constIs reports whether c is literal l (negated).
func constIs(c *pg_query.A_Const, l literal, negate bool) bool {
	if c.Isnull {
		return false
	}
	switch l.kind {
	case litInt:
		v, ok := c.Val.(*pg_query.A_Const_Ival)
		if !ok || v.Ival == nil {
			return false
		}
		n, _ := strconv.ParseInt(l.value, 10, 32)
		if negate {
			n = -n
		}
		return int64(v.Ival.Ival) == n
	case litFloat:
		v, ok := c.Val.(*pg_query.A_Const_Fval)
		if !ok || v.Fval == nil {
			return false
		}
		if negate {
			return v.Fval.Fval == "-"+l.value
		}
		return v.Fval.Fval == l.value
	case litString:
		v, ok := c.Val.(*pg_query.A_Const_Sval)
		return ok && v.Sval != nil && !negate && v.Sval.Sval == l.value
	}
	return false
}

// setConst gives c literal l's value; false if l is not of c's kind.
func setConst(c *pg_query.A_Const, l literal, negate bool) bool {
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Ival:
		n, err := strconv.ParseInt(l.value, 10, 32)
		if err != nil || l.kind != litInt {
			return false
		}
		if negate {
			n = -n
		}
		v.Ival.Ival = int32(n)
	case *pg_query.A_Const_Fval:
		if l.kind != litFloat {
			return false
		}
		if negate {
			v.Fval.Fval = "-" + l.value
		} else {
			v.Fval.Fval = l.value
		}
	case *pg_query.A_Const_Sval:
		if l.kind != litString {
			return false
		}
		v.Sval.Sval = l.value
	default:
		return false
	}
	return true
}
