package sql

import (
	"bytes"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Two-step decoding. A scan with a filter decodes a row's columns the
// filter reads, applies the filter, and decodes the other columns its
// consumers read only for the rows the filter keeps: a query that
// selects a few rows of a table by a column no index holds decodes the
// wide columns (and allocates their values) for those rows alone, as
// PostgreSQL's deforming of a heap tuple stops at the last attribute
// its quals need.
//
// narrowScans gives each scan its split once it knows what the scan's
// consumers read (scanNode.split); scanIter.materialize decodes by it.
// The columns decoded first are those of fullFilter, every conjunct
// pushed into the scan: the filter a scan applies is fullFilter or the
// part of it its bounds leave (filter), which a later choice of path
// may change (usePath), so they cover it whichever it is.

// decodeSplit is a two-step decoding: early the columns of the row
// decoded before the filter runs, late those decoded after it keeps
// the row. lateCopies: no late column's decoder keeps the bytes it
// decodes (engine.Layout.DecodeRowCopies).
type decodeSplit struct {
	early, late []bool
	lateCopies  bool
}

// splitDecoding returns how a scan of width columns (the table's, then
// any system columns) whose consumers read need of its columns (nil:
// all) decodes its rows under filter f: nil when there is nothing to
// gain, with no filter, a filter that reads every column read, or one
// that hides what it reads (a correlated subquery).
func (n *scanNode) splitDecoding(need []bool, f expr.Expr) *decodeSplit {
	if f == nil {
		return nil
	}
	reads := colSet{}.with(len(n.columns), f)
	if reads == nil {
		return nil
	}
	cols := len(n.layout.Types)
	s := &decodeSplit{early: make([]bool, cols), late: make([]bool, cols)}
	deferred := false
	for i := range cols {
		s.early[i] = reads.has(i)
		s.late[i] = !s.early[i] && (need == nil || need[i])
		deferred = deferred || s.late[i]
	}
	if !deferred {
		return nil
	}
	s.lateCopies = n.layout.DecodeRowCopies(s.late)
	return s
}

// decodeLate decodes the late columns of value v into row, whose early
// ones the filter kept. borrowed: v is in the storage engine's memory,
// copied first if a late column's decoder would keep its bytes.
func (sp *decodeSplit) decodeLate(l *engine.Layout, row []types.Datum, v []byte, borrowed bool) error {
	if borrowed && !sp.lateCopies {
		v = bytes.Clone(v)
	}
	return l.DecodeMoreColumnsInto(row, v, sp.late)
}

// setSplit gives n its two-step decoding for what its consumers read
// (n.need).
func (n *scanNode) setSplit() {
	n.split = n.splitDecoding(n.need, n.fullFilter)
}

// splitRow returns the row a split decodes the next row into: the
// node's reused row, else the row the filter last dropped, or a new one.
func (s *scanIter) splitRow() []types.Datum {
	if s.n.reuse {
		return s.reused()
	}
	if s.spare == nil {
		n := len(s.layout.Types)
		s.spare = make([]types.Datum, n, n+systemWidth) // room for the system columns
	}
	return s.spare
}
