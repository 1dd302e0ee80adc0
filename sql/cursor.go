package sql

import (
	"context"
	"time"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// SQL cursors (DECLARE, FETCH, MOVE, CLOSE).
//
// A cursor is a running query whose rows are pulled on demand. Its query
// reads through a frozen view of the declaring transaction
// (engine.Txn.Frozen): the snapshot and the transaction's own writes as
// they were at DECLARE, as a PostgreSQL cursor reads with the snapshot
// taken at DECLARE.
//
// Storage of rows:
//   - NO SCROLL (and, unlike PostgreSQL, a cursor declared with neither
//     SCROLL nor NO SCROLL): rows stream from the query and are not kept;
//     backward motion fails with 55000.
//   - SCROLL: rows read so far are kept, so that the cursor can move back
//     over them; they count against stela.query_mem (53200 past it).
//   - WITH HOLD: at the commit of the declaring transaction the rows not
//     yet read (all of them for SCROLL) are materialized, as PostgreSQL's
//     PersistHoldablePortal does, and the query and its view are closed.
//
// Positions follow PostgreSQL's portal bookkeeping (pquery.c) exactly, so
// that every FETCH/MOVE direction returns the same rows and the same
// counts: atStart, atEnd and portalPos are the portal's fields, and x is
// the executor's own position (0 before the first row, row k after
// returning it, total+1 after the last).
type cursor struct {
	name   string
	sql    string
	cols   []Column
	scroll bool
	hold   bool
	binary bool
	// created is the statement time of the DECLARE (pg_cursors).
	created time.Time

	// src is the running query; nil once exhausted or materialized.
	src Result
	// rows keeps the rows of a SCROLL or held cursor: rows[i] is row
	// base+i+1 (a held NO SCROLL cursor drops the rows read before
	// COMMIT).
	rows []([]types.Datum)
	base int64
	// pulled counts the rows taken from src; total is the row count once
	// known (-1 before).
	pulled int64
	total  int64
	x      int64
	mem    *memBudget

	// PostgreSQL's portal position.
	atStart, atEnd bool
	portalPos      int64

	// inTxn marks a cursor of the running transaction (not yet carried
	// past a COMMIT); sub is the number of savepoints when it was
	// declared, so that ROLLBACK TO drops the cursors declared after.
	inTxn bool
	sub   int
}

// fetchAll is PostgreSQL's FETCH_ALL (LONG_MAX): the count of FETCH ALL.
const fetchAll = int64(^uint64(0) >> 1)

func newCursor(name, sql string, cols []Column, src Result, mem *memBudget) *cursor {
	return &cursor{name: name, sql: sql, cols: cols, src: src, mem: mem, total: -1, atStart: true}
}

// close ends the cursor's query.
func (c *cursor) close() {
	if c.src != nil {
		c.src.Close()
		c.src = nil
	}
	c.rows = nil
}

// keep adds a row to the kept rows, within the memory budget.
func (c *cursor) keep(row []types.Datum) error {
	if err := c.mem.grow(rowSize(row)); err != nil {
		return err
	}
	c.rows = append(c.rows, row)
	return nil
}

// pull takes the next row of the query; nil at its end.
func (c *cursor) pull(ctx context.Context) ([]types.Datum, error) {
	if c.src == nil {
		return nil, nil
	}
	row, err := c.src.Next(ctx)
	if err != nil {
		return nil, err
	}
	if row == nil {
		c.total = c.pulled
		c.src.Close()
		c.src = nil
		return nil, nil
	}
	c.pulled++
	if c.scroll {
		if err := c.keep(row); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// forward moves the executor one row forward: the row, or nil past the
// end.
func (c *cursor) forward(ctx context.Context) ([]types.Datum, error) {
	if c.total >= 0 && c.x >= c.total {
		c.x = c.total + 1
		return nil, nil
	}
	next := c.x + 1
	if i := next - c.base - 1; i >= 0 && i < int64(len(c.rows)) {
		c.x = next
		return c.rows[i], nil
	}
	row, err := c.pull(ctx)
	if err != nil || row == nil {
		if err == nil {
			c.x = c.total + 1
		}
		return nil, err
	}
	c.x = next
	return row, nil
}

// backward moves the executor one row back (SCROLL cursors only, which
// keep every row).
func (c *cursor) backward() []types.Datum {
	if c.x <= 1 {
		c.x = 0
		return nil
	}
	c.x--
	return c.rows[c.x-c.base-1]
}

// errNoScroll is PostgreSQL's answer to backward motion of a NO SCROLL
// cursor.
func errNoScroll() error {
	return pgerror.New(pgcode.ObjectNotInPrerequisiteState, "cursor can only scan forward").
		WithHint("Declare it with SCROLL option to enable backward scan.")
}

// rewind goes back before the first row (PostgreSQL's DoPortalRewind).
func (c *cursor) rewind() error {
	if c.atStart && !c.atEnd {
		return nil // never moved: nothing to do, and no NO SCROLL error
	}
	if !c.scroll {
		return errNoScroll()
	}
	c.x = 0
	c.atStart, c.atEnd, c.portalPos = true, false, 0
	return nil
}

// selection is one run of the executor in one direction
// (PostgreSQL's PortalRunSelect): up to count rows (fetchAll: all).
// Its rows are pulled one at a time, so that FETCH ALL streams.
type selection struct {
	c       *cursor
	forward bool
	count   int64
	moving  bool // false: no movement (count 0, or already at that end)
	n       int64
	done    bool
}

// selectRows starts a run; backward runs of a NO SCROLL cursor fail
// whatever the count, as in PostgreSQL.
func (c *cursor) selectRows(forward bool, count int64) (*selection, error) {
	s := &selection{c: c, forward: forward, count: count}
	if forward {
		s.moving = !c.atEnd && count > 0
	} else {
		if !c.scroll {
			return nil, errNoScroll()
		}
		s.moving = !c.atStart && count > 0
	}
	return s, nil
}

// next returns the run's next row, or nil when it is over.
func (s *selection) next(ctx context.Context) ([]types.Datum, error) {
	if s.done {
		return nil, nil
	}
	if !s.moving || (s.count != fetchAll && s.n >= s.count) {
		s.finish()
		return nil, nil
	}
	var row []types.Datum
	if s.forward {
		var err error
		if row, err = s.c.forward(ctx); err != nil {
			return nil, err
		}
	} else {
		row = s.c.backward()
	}
	if row == nil {
		s.finish()
		return nil, nil
	}
	s.n++
	return row, nil
}

// finish updates the portal's position from the rows processed.
func (s *selection) finish() {
	if s.done {
		return
	}
	s.done = true
	if !s.moving {
		return
	}
	c, all := s.c, s.count == fetchAll || s.n < s.count
	if s.forward {
		if s.n > 0 {
			c.atStart = false
		}
		if all {
			c.atEnd = true
		}
		c.portalPos += s.n
		return
	}
	if s.n > 0 && c.atEnd {
		c.atEnd = false
		c.portalPos++ // the end counts as one position past the last row
	}
	if all {
		c.atStart, c.portalPos = true, 0
	} else {
		c.portalPos -= s.n
	}
}

// skip runs a selection to its end without returning its rows.
func (c *cursor) skip(ctx context.Context, forward bool, count int64) (int64, error) {
	s, err := c.selectRows(forward, count)
	if err != nil {
		return 0, err
	}
	for {
		row, err := s.next(ctx)
		if err != nil {
			return 0, err
		}
		if row == nil {
			return s.n, nil
		}
	}
}

// materialize keeps the rows a held cursor still needs once its
// transaction is over: those not read yet, and for SCROLL all of them.
func (c *cursor) materialize(ctx context.Context) error {
	if !c.scroll {
		c.rows, c.base = nil, c.pulled
	}
	for c.src != nil {
		row, err := c.src.Next(ctx)
		if err != nil {
			return err
		}
		if row == nil {
			c.total = c.pulled
			c.src.Close()
			c.src = nil
			break
		}
		c.pulled++
		if err := c.keep(row); err != nil {
			return err
		}
	}
	return nil
}
