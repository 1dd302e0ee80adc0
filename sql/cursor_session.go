package sql

import (
	"context"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The session's cursors and their lifetime: a cursor lives until CLOSE or
// the end of its transaction; WITH HOLD carries it past COMMIT (its rows
// materialized then) but not past the ROLLBACK of the declaring
// transaction; ROLLBACK TO SAVEPOINT drops the cursors declared after the
// savepoint. Cursor names share PostgreSQL's portal namespace with the
// protocol's named portals (Session.Wire).

// cursor returns a cursor by name; 34000 when there is none.
func (s *Session) cursor(name string) (*cursor, error) {
	if c, ok := s.cursors[name]; ok {
		return c, nil
	}
	return nil, errNoCursor(name)
}

// checkCursorName refuses a name in use by a cursor or a portal (42P03).
func (s *Session) checkCursorName(name string) error {
	_, dup := s.cursors[name]
	if !dup && s.Wire != nil {
		dup = s.Wire.HasPortal(name)
	}
	if dup {
		return pgerror.Newf(pgcode.DuplicateCursor, "cursor \"%s\" already exists", name)
	}
	return nil
}

func (s *Session) addCursor(c *cursor) {
	if s.cursors == nil {
		s.cursors = map[string]*cursor{}
	}
	s.cursors[c.name] = c
}

func (s *Session) dropCursor(c *cursor) {
	c.close()
	if s.cursors[c.name] == c {
		delete(s.cursors, c.name)
	}
}

func (s *Session) closeAllCursors() {
	for _, c := range s.cursors {
		s.dropCursor(c)
	}
}

// persistCursors runs before a COMMIT: held cursors of the transaction
// materialize what they still need; the others close. An error (53200)
// fails the commit, as in PostgreSQL.
func (s *Session) persistCursors(ctx context.Context) error {
	for _, c := range s.cursors {
		if !c.inTxn {
			continue
		}
		if !c.hold {
			s.dropCursor(c)
			continue
		}
		if err := c.materialize(ctx); err != nil {
			s.dropCursor(c)
			return err
		}
	}
	return nil
}

// cursorsCommitted runs once the transaction committed: its held cursors
// now belong to the session.
func (s *Session) cursorsCommitted() {
	for _, c := range s.cursors {
		c.inTxn = false
	}
}

// cursorsRolledBack drops the cursors declared in a transaction that
// rolled back (or, from a savepoint, those declared after it: sub is the
// number of savepoints that remain).
func (s *Session) cursorsRolledBack(sub int) {
	for _, c := range s.cursors {
		if c.inTxn && c.sub > sub {
			s.dropCursor(c)
		}
	}
}

// cursorsReleased gives the cursors declared after a released savepoint
// to the enclosing level (sub savepoints remain).
func (s *Session) cursorsReleased(sub int) {
	for _, c := range s.cursors {
		if c.inTxn && c.sub > sub {
			c.sub = sub
		}
	}
}

// HasCursor reports whether a SQL cursor of that name exists (the wire
// layer's portals share the name space).
func (s *Session) HasCursor(name string) bool {
	_, ok := s.cursors[name]
	return ok
}

// CursorColumns describes a cursor's rows and whether it was declared
// BINARY (its rows then go out in binary format), for Describe of its
// portal.
func (s *Session) CursorColumns(name string) ([]Column, bool, bool) {
	c, ok := s.cursors[name]
	if !ok {
		return nil, false, false
	}
	return c.cols, c.binary, true
}

// CloseCursor closes a cursor (the protocol's Close of its portal); it
// reports whether there was one.
func (s *Session) CloseCursor(name string) bool {
	c, ok := s.cursors[name]
	if ok {
		s.dropCursor(c)
	}
	return ok
}

// CursorRows is a run of a cursor for the protocol's Execute of its
// portal: up to max rows forward (0: all).
type CursorRows struct {
	s   *Session
	c   *cursor
	sel *selection
}

// ExecuteCursor starts the Execute of a cursor's portal, as PostgreSQL's
// PortalRun of a DECLAREd portal: FETCH FORWARD max (all when max is 0).
func (s *Session) ExecuteCursor(name string, max int64) (*CursorRows, error) {
	if s.txn.state == txnAborted {
		return nil, errInFailedTxn
	}
	c, err := s.cursor(name)
	if err != nil {
		return nil, err
	}
	if max <= 0 {
		max = fetchAll
	}
	sel, err := c.selectRows(true, max)
	if err != nil {
		return nil, err
	}
	return &CursorRows{s: s, c: c, sel: sel}, nil
}

// Next returns the next row, nil at the end of the run.
func (r *CursorRows) Next(ctx context.Context) ([]types.Datum, error) {
	row, err := r.sel.next(ctx)
	if err != nil {
		r.s.dropCursor(r.c)
	}
	return row, err
}

// Suspended reports, once Next returned nil, whether the cursor has rows
// left (PortalSuspended) rather than having reached its end
// (CommandComplete).
func (r *CursorRows) Suspended() bool { return !r.c.atEnd }
