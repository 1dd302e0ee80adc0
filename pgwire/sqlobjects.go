package pgwire

import (
	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
)

// The connection's statements and portals as the SQL session sees them
// (sql.WireObjects): PostgreSQL keeps the statements of Parse and of SQL
// PREPARE in one set, and the portals of Bind and the cursors of DECLARE
// in another, so EXECUTE, DEALLOCATE, CLOSE and DISCARD ALL reach the
// protocol's objects, and Execute, Describe and Close of a portal reach
// SQL cursors.

var _ sql.WireObjects = (*conn)(nil)

// Statement returns a statement made by Parse.
func (c *conn) Statement(name string) (*sql.Prepared, bool) {
	ps, ok := c.stmts[name]
	if !ok || ps.p == nil {
		return nil, false
	}
	return ps.p, true
}

// DropStatement drops a statement made by Parse.
func (c *conn) DropStatement(name string) bool {
	_, ok := c.stmts[name]
	delete(c.stmts, name)
	return ok
}

// DropStatements drops every named statement made by Parse; the unnamed
// one stays, as in PostgreSQL's DropAllPreparedStatements.
func (c *conn) DropStatements() {
	for name := range c.stmts {
		if name != "" {
			delete(c.stmts, name)
		}
	}
}

// Statements lists the named statements made by Parse.
func (c *conn) Statements() map[string]*sql.Prepared {
	out := make(map[string]*sql.Prepared, len(c.stmts))
	for name, ps := range c.stmts {
		if name != "" && ps.p != nil {
			out[name] = ps.p
		}
	}
	return out
}

// HasPortal reports whether Bind made a portal of that name.
func (c *conn) HasPortal(name string) bool {
	_, ok := c.portals[name]
	return ok
}

// Portals lists the portals made by Bind.
func (c *conn) Portals() []sql.WirePortal {
	out := make([]sql.WirePortal, 0, len(c.portals))
	for _, p := range c.portals {
		wp := sql.WirePortal{Name: p.name, Created: p.created}
		if p.stmt.p != nil {
			wp.Statement = p.stmt.p.SourceText()
		}
		out = append(out, wp)
	}
	return out
}

// DropPortal drops a portal made by Bind.
func (c *conn) DropPortal(name string) bool {
	p, ok := c.portals[name]
	if ok && p != c.runningPortal {
		c.dropPortal(p)
	}
	return ok
}

// DropPortals drops every portal but the running one (PostgreSQL's
// PortalHashTableDeleteAll skips active portals).
func (c *conn) DropPortals() {
	for _, p := range c.portals {
		if p != c.runningPortal {
			c.dropPortal(p)
		}
	}
}

// lookupSQLStatement finds a statement made by SQL PREPARE, for Bind and
// Describe.
func (c *conn) lookupSQLStatement(name string) (*preparedStmt, bool) {
	p, ok := c.sess.PreparedStatement(name)
	if !ok {
		return nil, false
	}
	return &preparedStmt{name: name, p: p, exitsTxn: p.ExitsTransaction()}, true
}

// cursorFormats are the result formats of a DECLAREd cursor's portal:
// binary for a BINARY cursor, else text.
func cursorFormats(cols []sql.Column, binary bool) []int16 {
	f := make([]int16, len(cols))
	if binary {
		for i := range f {
			f[i] = formatBinary
		}
	}
	return f
}

// describeCursor answers Describe of a portal that is a SQL cursor.
func (c *conn) describeCursor(name string) bool {
	cols, binary, ok := c.sess.CursorColumns(name)
	if !ok {
		return false
	}
	c.w.send(rowDescription(cols, cursorFormats(cols, binary)))
	return true
}

// executeCursor runs Execute on a portal that is a SQL cursor: up to
// maxRows rows forward (0: all), then PortalSuspended if rows remain,
// else CommandComplete, as PostgreSQL runs a DECLAREd portal.
func (c *conn) executeCursor(name string, maxRows int) (bool, error) {
	cols, binary, ok := c.sess.CursorColumns(name)
	if !ok {
		return false, nil
	}
	formats := cursorFormats(cols, binary)
	ctx := c.beginStatement()
	defer c.endStatement()
	run, err := c.sess.ExecuteCursor(name, int64(maxRows))
	if err != nil {
		return true, err
	}
	n := 0
	for {
		row, err := run.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				err = sql.CanceledError(ctx)
			}
			return true, stmtError(ctx, err)
		}
		if row == nil {
			break
		}
		if err := c.sendDataRow(cols, formats, row); err != nil {
			return true, err
		}
		if c.w.err != nil {
			return true, c.w.err
		}
		n++
	}
	if maxRows > 0 && run.Suspended() {
		c.w.send(&pgproto3.PortalSuspended{})
		return true, nil
	}
	c.sendCommandComplete("SELECT ", n)
	return true, nil
}

// binaryFormats are the formats of a simple Query's rows: binary for the
// FETCH of a BINARY cursor, else text (nil).
func binaryFormats(p *sql.Prepared) []int16 {
	if !p.BinaryResult() {
		return nil
	}
	return cursorFormats(p.Columns, true)
}
