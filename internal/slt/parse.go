// Package slt runs sqllogictest scripts (SQLite's SQL-correctness corpus
// format) against any server that speaks the PostgreSQL protocol.
//
// The format, as implemented here (see the corpus README for the full
// description):
//
//   - lines end in LF or CRLF (one trailing '\r' is stripped); a line of
//     only whitespace is blank; lines starting with '#' are comments and
//     are dropped before records are split, so they never end a record;
//   - records are separated by blank lines; a record is zero or more
//     conditions ("skipif <engine>", "onlyif <engine>") followed by one of
//     "statement ok|error", "query <types> [<sortmode> [<label>]]",
//     "hash-threshold <n>" or "halt";
//   - a query's SQL runs up to a "----" line, its expected values follow,
//     one per line; beyond the hash threshold (default 8, 0 = never) the
//     expected output is "<n> values hashing to <md5>".
//
// Parse turns a script into Records; Runner executes them through pgconn
// (each file against a fresh database obtained from a caller-supplied
// function) and returns a FileResult per file.
package slt

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Kind is the kind of a record.
type Kind int

// The record kinds.
const (
	KindStatement Kind = iota + 1
	KindQuery
	KindHashThreshold
	KindHalt
)

func (k Kind) String() string {
	switch k {
	case KindStatement:
		return "statement"
	case KindQuery:
		return "query"
	case KindHashThreshold:
		return "hash-threshold"
	case KindHalt:
		return "halt"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// SortMode says how a query's values are ordered before comparing.
type SortMode int

// The sort modes.
const (
	NoSort    SortMode = iota // the order the engine returned
	RowSort                   // sort rows, column by column, byte order
	ValueSort                 // sort every value individually, byte order
)

func (m SortMode) String() string {
	switch m {
	case RowSort:
		return "rowsort"
	case ValueSort:
		return "valuesort"
	}
	return "nosort"
}

// Condition is one "skipif <engine>" or "onlyif <engine>" prefix.
type Condition struct {
	OnlyIf bool   // onlyif (else skipif)
	Engine string // as written
}

// Record is one record of a script.
type Record struct {
	Line       int // 1-based line of the command ("statement", "query", ...)
	Kind       Kind
	Conditions []Condition

	// Statement and query.
	SQL string // lines joined with "\n"

	// Statement.
	ExpectError bool // "statement error"

	// Query.
	Types       string // one letter per column: I, T or R
	Sort        SortMode
	Label       string
	HasExpected bool     // a "----" line was present
	Expected    []string // the lines after "----"

	// Hash threshold.
	Threshold int
}

// Skipped reports whether the record's conditions skip it for the
// engine named engine (compared case-insensitively).
func (r *Record) Skipped(engine string) bool {
	for _, c := range r.Conditions {
		same := strings.EqualFold(c.Engine, engine)
		if c.OnlyIf != same {
			return true
		}
	}
	return false
}

// Script is a parsed file.
type Script struct {
	Name    string
	Records []Record
	// Problems lists records that could not be understood (unknown
	// command, bad types); they are left out of Records.
	Problems []string
}

// ParseFile reads and parses a script.
func ParseFile(path string) (*Script, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b), nil
}

type line struct {
	n    int
	text string
}

// Parse parses a script. It never fails: records it does not understand
// are reported in Script.Problems.
func Parse(name string, src []byte) *Script {
	s := &Script{Name: name}
	var rec []line
	flush := func() {
		if len(rec) > 0 {
			s.parseRecord(rec)
			rec = rec[:0]
		}
	}
	n := 0
	for len(src) > 0 {
		n++
		var l []byte
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			l, src = src, nil
		}
		l = bytes.TrimSuffix(l, []byte{'\r'})
		if len(bytes.TrimSpace(l)) == 0 {
			flush()
			continue
		}
		if l[0] == '#' {
			continue // comments vanish before records are split
		}
		rec = append(rec, line{n, string(l)})
	}
	flush()
	return s
}

func (s *Script) problem(l line, format string, args ...any) {
	s.Problems = append(s.Problems, fmt.Sprintf("%s:%d: %s", s.Name, l.n, fmt.Sprintf(format, args...)))
}

func (s *Script) parseRecord(lines []line) {
	first := lines[0]
	var conds []Condition
	for len(lines) > 0 {
		tok := strings.Fields(lines[0].text)
		if tok[0] != "skipif" && tok[0] != "onlyif" {
			break
		}
		if len(tok) < 2 {
			s.problem(lines[0], "%s without an engine", tok[0])
			return
		}
		conds = append(conds, Condition{OnlyIf: tok[0] == "onlyif", Engine: tok[1]})
		lines = lines[1:]
	}
	if len(lines) == 0 {
		s.problem(first, "conditions without a record")
		return
	}
	head, body := lines[0], lines[1:]
	tok := strings.Fields(head.text)
	r := Record{Line: head.n, Conditions: conds}
	switch tok[0] {
	case "statement":
		r.Kind = KindStatement
		switch {
		case len(tok) >= 2 && tok[1] == "ok":
		case len(tok) >= 2 && tok[1] == "error":
			r.ExpectError = true
		default:
			s.problem(head, "statement must be ok or error: %q", head.text)
			return
		}
		r.SQL = joinLines(body)
	case "query":
		r.Kind = KindQuery
		if len(tok) < 2 {
			s.problem(head, "query without types")
			return
		}
		r.Types = tok[1]
		for _, c := range r.Types {
			if c != 'I' && c != 'T' && c != 'R' {
				s.problem(head, "unknown column type %q", c)
				return
			}
		}
		if len(tok) >= 3 {
			switch tok[2] {
			case "nosort":
			case "rowsort":
				r.Sort = RowSort
			case "valuesort":
				r.Sort = ValueSort
			default:
				s.problem(head, "unknown sort mode %q", tok[2])
				return
			}
		}
		if len(tok) >= 4 {
			r.Label = tok[3]
		}
		sql := body
		for i, l := range body {
			if l.text == "----" {
				sql = body[:i]
				r.HasExpected = true
				r.Expected = make([]string, 0, len(body)-i-1)
				for _, e := range body[i+1:] {
					r.Expected = append(r.Expected, e.text)
				}
				break
			}
		}
		r.SQL = joinLines(sql)
	case "hash-threshold":
		r.Kind = KindHashThreshold
		if len(tok) < 2 {
			s.problem(head, "hash-threshold without a value")
			return
		}
		v, err := strconv.Atoi(tok[1])
		if err != nil || v < 0 {
			s.problem(head, "bad hash-threshold %q", tok[1])
			return
		}
		r.Threshold = v
	case "halt":
		r.Kind = KindHalt
	default:
		s.problem(head, "unknown record %q", tok[0])
		return
	}
	s.Records = append(s.Records, r)
}

func joinLines(ls []line) string {
	var b strings.Builder
	for i, l := range ls {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return b.String()
}
