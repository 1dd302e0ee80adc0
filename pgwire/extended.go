package pgwire

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// preparedStmt is a statement created by Parse.
type preparedStmt struct {
	name string
	p    *sql.Prepared // nil for an empty query
	// paramOIDs are the types the client declared, for ParameterDescription
	// when the statement is empty.
	paramOIDs []uint32
	// exitsTxn marks COMMIT, ROLLBACK, ROLLBACK TO and PREPARE
	// TRANSACTION, which a failed transaction block still lets Bind.
	exitsTxn bool
}

// portal is a bound statement created by Bind.
type portal struct {
	name    string
	stmt    *preparedStmt
	params  []types.Datum
	formats []int16
	res     sql.Result // set by the first Execute
	done    bool       // ran to completion
	tag     string
	created time.Time // when Bind made it (pg_cursors)
	// paramBuf and formatBuf hold the parameters and result formats of
	// a statement with few, so that a Bind makes one allocation for the
	// portal, its parameters and its formats.
	paramBuf  [4]types.Datum
	formatBuf [8]int16
}

func (p *portal) close() {
	if p.res != nil {
		p.res.Close()
		p.res = nil
	}
}

// extended runs one extended-protocol message; an error is reported and
// the connection then ignores messages until Sync.
func (c *conn) extended(handler func([]byte) error, body []byte) error {
	err := handler(body)
	if err == nil {
		return nil
	}
	if isFatal(err) || isIOError(err) {
		return err
	}
	c.sendError(err)
	c.sess.Fail()
	c.discard = true
	return nil
}

// parse handles Parse: plan one statement under a name.
func (c *conn) parse(body []byte) error {
	m, err := decodeParse(body, c.w.enc)
	if err != nil {
		return err
	}
	if m.Name != "" {
		if _, ok := c.stmts[m.Name]; ok || c.sess.HasPreparedStatement(m.Name) {
			return pgerror.Newf(pgcode.DuplicatePreparedStatement, "prepared statement \"%s\" already exists", m.Name)
		}
	}
	stmts, err := parser.Parse(m.Query)
	if err != nil {
		return err
	}
	ps := &preparedStmt{name: m.Name, paramOIDs: append([]uint32(nil), m.ParameterOIDs...)}
	switch len(stmts) {
	case 0:
	case 1:
		if ps.p, err = c.sess.Prepare(stmts[0], m.ParameterOIDs); err != nil {
			return err
		}
		if err := checkShape(ps.p); err != nil {
			return err
		}
		ps.exitsTxn = ps.p.ExitsTransaction()
	default:
		return pgerror.New(pgcode.Syntax, "cannot insert multiple commands into a prepared statement")
	}
	c.stmts[m.Name] = ps
	c.w.send(&pgproto3.ParseComplete{})
	return nil
}

// bind handles Bind: decode the parameters and create a portal.
func (c *conn) bind(body []byte) error {
	m := &c.bindMsg
	if err := decodeBind(body, c.w.enc, m); err != nil {
		return err
	}
	ps, ok := c.stmts[string(m.stmt)]
	if !ok {
		var err error
		if ps, err = c.lookupStmt(string(m.stmt)); err != nil {
			return err
		}
	}
	if c.sess.TxStatus() == 'E' && (!ps.exitsTxn || len(m.params) > 0) {
		// As PostgreSQL's exec_bind_message: in a failed block only a
		// parameterless transaction exit may be bound.
		return pgerror.New(pgcode.InFailedSQLTransaction,
			"current transaction is aborted, commands ignored until end of transaction block")
	}
	portalName := string(m.portal) // "" allocates nothing
	if portalName != "" {
		if _, ok := c.portals[portalName]; ok || c.sess.HasCursor(portalName) {
			return pgerror.Newf(pgcode.DuplicateCursor, "cursor \"%s\" already exists", portalName)
		}
	} else if old, ok := c.portals[""]; ok {
		old.close()
		delete(c.portals, "")
	}
	var paramTypes []*types.T
	var cols []sql.Column
	if ps.p != nil {
		paramTypes, cols = ps.p.ParamTypes, ps.p.Columns
	}
	if len(m.params) != len(paramTypes) {
		return pgerror.Newf(pgcode.ProtocolViolation, "bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
			len(m.params), ps.name, len(paramTypes))
	}
	nfmt := len(m.paramFormats)
	if nfmt > 1 && nfmt != len(m.params) {
		return pgerror.Newf(pgcode.ProtocolViolation, "bind message has %d parameter formats but %d parameters", nfmt, len(m.params))
	}
	p := &portal{name: portalName, stmt: ps}
	params := p.paramBuf[:0]
	if len(m.params) > len(p.paramBuf) {
		params = make([]types.Datum, len(m.params))
	}
	params = params[:len(m.params)]
	fs := c.sess.FormatSettings()
	for i, raw := range m.params {
		if raw == nil {
			continue
		}
		f := formatText
		if nfmt == 1 {
			f = m.paramFormats[0]
		} else if nfmt > 1 {
			f = m.paramFormats[i]
		}
		var v types.Datum
		var err error
		switch f {
		case formatText:
			// Text comes in the client encoding, which is converted and
			// checked as PostgreSQL does before any input function sees
			// it.
			if raw, err = clientText(raw, c.w.enc); err != nil {
				return err
			}
			v, err = paramTypes[i].ParseText(string(raw), fs) // string copies the body's bytes
			if err != nil && paramTypes[i].Family == types.RegFamily && types.RegNameText(string(raw)) {
				// A name (nextval($1) with 's'): PostgreSQL's regclassin
				// reads the catalog, which Bind does not; the parameter
				// resolves it when read (expr.Param).
				v, err = string(raw), nil
			}
		case formatBinary:
			if c.w.enc != nil && convertsBinary(paramTypes[i]) {
				if raw, err = clientText(raw, c.w.enc); err != nil {
					return err
				}
			}
			if !paramTypes[i].DecodeBinaryCopies() {
				raw = append([]byte(nil), raw...) // a value may alias it, and the body buffer is reused
			}
			v, err = paramTypes[i].DecodeBinary(raw)
			if err == nil && c.w.enc != nil && !convertsBinary(paramTypes[i]) {
				err = binaryTextOK(paramTypes[i], v, c.w.enc, fs) // text within an array or composite
			}
			if e, ok := err.(*pgerror.Error); ok && e.Code == pgcode.InvalidBinaryRepresentation && e.Message == "incorrect binary data format" {
				// Bytes left over: PostgreSQL names the parameter.
				err = pgerror.Newf(pgcode.InvalidBinaryRepresentation, "incorrect binary data format in bind parameter %d", i+1)
			}
		default:
			return pgerror.Newf(pgcode.InvalidParameterValue, "unsupported format code: %d", f)
		}
		if err != nil {
			return err
		}
		params[i] = v
	}
	formats, err := resultFormats(p.formatBuf[:], m.resultFormats, len(cols))
	if err != nil {
		return err
	}
	p.params, p.formats, p.created = params, formats, time.Now()
	c.portals[portalName] = p
	c.w.send(&pgproto3.BindComplete{})
	return nil
}

// lookupStmt finds a statement by name, failing with PostgreSQL's 26000.
func (c *conn) lookupStmt(name string) (*preparedStmt, error) {
	if ps, ok := c.stmts[name]; ok {
		return ps, nil
	}
	if ps, ok := c.lookupSQLStatement(name); ok {
		return ps, nil
	}
	if name == "" {
		return nil, pgerror.New(pgcode.InvalidSQLStatementName, "unnamed prepared statement does not exist")
	}
	return nil, pgerror.Newf(pgcode.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
}

// describe handles Describe of a statement or portal.
func (c *conn) describe(body []byte) error {
	typ, name, err := decodeTarget(body, c.w.enc)
	if err != nil {
		return err
	}
	switch typ {
	case 'S':
		ps, err := c.lookupStmt(name)
		if err != nil {
			return err
		}
		oids := ps.paramOIDs
		if ps.p != nil {
			oids = make([]uint32, len(ps.p.ParamTypes))
			for i, t := range ps.p.ParamTypes {
				oids[i] = t.Oid
			}
		}
		c.w.send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if ps.p == nil || ps.p.Columns == nil {
			c.w.send(&pgproto3.NoData{})
		} else {
			c.w.send(rowDescription(ps.p.Columns, nil))
		}
	case 'P':
		p, ok := c.portals[name]
		if !ok {
			if c.describeCursor(name) {
				return nil
			}
			return pgerror.Newf(pgcode.InvalidCursorName, "portal \"%s\" does not exist", name)
		}
		if p.stmt.p == nil || p.stmt.p.Columns == nil {
			c.w.send(&pgproto3.NoData{})
		} else {
			c.w.send(rowDescription(p.stmt.p.Columns, p.formats))
		}
	default:
		return malformed(fmt.Sprintf("invalid DESCRIBE message subtype %d", typ))
	}
	return nil
}

// execute handles Execute: run (or resume) a portal for up to MaxRows
// rows.
func (c *conn) execute(body []byte) error {
	name, maxRows, err := decodeExecute(body, c.w.enc)
	if err != nil {
		return err
	}
	// MaxRows is signed in PostgreSQL: 0 or less means all rows.
	limit := max(int(maxRows), 0)
	p, ok := c.portals[string(name)]
	if !ok {
		if found, err := c.executeCursor(string(name), limit); found {
			return err
		}
		return pgerror.Newf(pgcode.InvalidCursorName, "portal \"%s\" does not exist", name)
	}
	if p.stmt.p == nil {
		c.w.send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	c.reportActive(p.stmt.p.SQL)
	if err := checkFormats(p.formats); err != nil {
		return err
	}
	if p.done {
		// As in PostgreSQL: a finished portal of rows yields no more rows
		// ("SELECT 0"); one of a command that returns none cannot run
		// twice.
		if p.stmt.p.Columns == nil {
			return pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "portal \"%s\" cannot be run", p.name)
		}
		c.stmtStart = time.Now() // no beginStatement: nothing runs
		c.sendCommandComplete(p.tag, 0)
		return nil
	}
	ctx := c.beginStatement()
	defer c.endStatement()
	c.runningPortal = p
	defer func() { c.runningPortal = nil }()
	if p.stmt.p.Copy != nil {
		// A COPY runs whole whatever the row limit, as in PostgreSQL.
		if err := c.runCopy(ctx, p.stmt.p, p.params); err != nil {
			c.dropPortal(p)
			return stmtError(ctx, err)
		}
		p.done = true
		return nil
	}
	if p.res == nil {
		res, err := c.sess.Execute(ctx, p.stmt.p, p.params)
		if err != nil {
			c.dropPortal(p)
			return stmtError(ctx, err)
		}
		p.res = res
	}
	suspended, err := c.sendRowsN(ctx, p.stmt.p.Columns, p.formats, p.res, limit)
	if err != nil {
		c.dropPortal(p)
		return stmtError(ctx, err)
	}
	if suspended {
		c.w.send(&pgproto3.PortalSuspended{})
		return nil
	}
	p.done, p.tag = true, p.res.Tag()
	p.close()
	return nil
}

// sendRowsN sends up to max rows (0: all) and CommandComplete once the
// result is exhausted; it reports true if it stopped at max with the
// result not known to be exhausted (PortalSuspended).
func (c *conn) sendRowsN(ctx context.Context, cols []sql.Column, formats []int16, res sql.Result, max int) (bool, error) {
	n := 0
	for {
		if max > 0 && n >= max {
			return true, nil
		}
		row, err := res.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return false, sql.CanceledError(ctx)
			}
			return false, err
		}
		if row == nil {
			break
		}
		if err := c.sendDataRow(cols, formats, row); err != nil {
			return false, err
		}
		if c.w.err != nil {
			return false, c.w.err
		}
		n++
	}
	tag := res.Tag()
	if cols == nil {
		// A statement that returns no rows and answers SELECT n
		// (CREATE TABLE ... AS) counts the rows it wrote in its tag.
		n = int(sql.TagRows(tag))
	}
	if err := c.commitBeforeTag(ctx, res); err != nil {
		return false, err
	}
	c.sendCommandComplete(tag, n)
	return false, nil
}

// sendCommandComplete sends a statement's tag; a SELECT's carries the
// rows sent by this Execute, which for a portal run in steps is the count
// of its last step, as in PostgreSQL. The message is encoded in place:
// this runs once per statement.
func (c *conn) sendCommandComplete(tag string, n int) {
	c.writeCommandComplete(tag, n)
	c.observeStatement(tag, n, false)
}

// writeCommandComplete encodes and sends CommandComplete.
func (c *conn) writeCommandComplete(tag string, n int) {
	b := appendCommandComplete(c.w.buf[:0], tag, n)
	c.w.sendRaw(b)
	c.w.buf = b[:0]
}

// appendCommandComplete appends CommandComplete; a SELECT's tag carries
// n, the rows sent.
func appendCommandComplete(b []byte, tag string, n int) []byte {
	start := len(b)
	b = append(b, 'C', 0, 0, 0, 0)
	if strings.HasPrefix(tag, "SELECT ") {
		b = strconv.AppendInt(append(b, "SELECT "...), int64(n), 10)
	} else {
		b = append(b, tag...)
	}
	b = append(b, 0)
	binary.BigEndian.PutUint32(b[start+1:], uint32(len(b)-start-1))
	return b
}

// closeObject handles Close of a statement or portal; closing what does
// not exist is not an error.
func (c *conn) closeObject(body []byte) error {
	typ, name, err := decodeTarget(body, c.w.enc)
	if err != nil {
		return err
	}
	switch typ {
	case 'S':
		delete(c.stmts, name)
		c.sess.DropPreparedStatement(name)
	case 'P':
		if p, ok := c.portals[name]; ok {
			c.dropPortal(p)
		} else {
			c.sess.CloseCursor(name)
		}
	default:
		return malformed(fmt.Sprintf("invalid CLOSE message subtype %d", typ))
	}
	c.w.send(&pgproto3.CloseComplete{})
	return nil
}

// sync handles Sync: the end of an implicit transaction and of the
// discard mode; exactly one ReadyForQuery.
func (c *conn) sync() error {
	c.discard = false
	c.endImplicit()
	if c.sess.TxStatus() == 'I' {
		// Portals live until their transaction ends.
		c.dropPortals()
	}
	return c.readyForQuery()
}

func (c *conn) dropPortal(p *portal) {
	p.close()
	if c.portals[p.name] == p {
		delete(c.portals, p.name)
	}
}

func (c *conn) dropPortals() {
	for _, p := range c.portals {
		c.dropPortal(p)
	}
}

// dropUnnamed drops the unnamed statement and portal (a simple Query
// replaces them, as in PostgreSQL).
func (c *conn) dropUnnamed() {
	delete(c.stmts, "")
	if p, ok := c.portals[""]; ok {
		c.dropPortal(p)
	}
}
