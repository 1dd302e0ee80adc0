package pgwire

import (
	"context"

	"github.com/jackc/pgproto3/v2"

	"github.com/stela-db/stela/sql"
	"github.com/stela-db/stela/sql/parser"
)

// simpleQuery runs a Query message: each statement in turn, all in one
// implicit transaction unless they control transactions themselves; after
// an error the rest are skipped. One ReadyForQuery ends it.
func (c *conn) simpleQuery(body []byte) error {
	query, err := decodeQuery(body, c.w.enc)
	if err != nil {
		// A malformed Query is an error like any other: the session goes
		// on.
		c.sendError(err)
		c.sess.Fail()
		c.endImplicit()
		return c.readyForQuery()
	}
	c.reportActive(query)
	// A Query also ends the unnamed statement and portal.
	c.dropUnnamed()
	stmts, err := parser.Parse(query)
	if err != nil {
		c.sendError(err)
		c.sess.Fail()
	} else if len(stmts) == 0 {
		c.w.send(&pgproto3.EmptyQueryResponse{})
	}
	c.sess.SetMultiStatement(len(stmts) > 1)
	defer c.sess.SetMultiStatement(false)
	for i, stmt := range stmts {
		c.commitFirst = i == len(stmts)-1
		err := c.runSimple(stmt)
		c.commitFirst = false
		if err != nil {
			if isFatal(err) || isIOError(err) {
				return err
			}
			c.sendError(err)
			c.sess.Fail()
			break
		}
	}
	c.endImplicit()
	if c.sess.TxStatus() == 'I' {
		c.dropPortals()
	}
	return c.readyForQuery()
}

// endImplicit ends an implicit transaction (at the end of a Query and at
// Sync); a commit that fails (40001, a full disk) is reported to the
// client before ReadyForQuery.
func (c *conn) endImplicit() {
	// A cancel left pending after the last statement does not reach the
	// commit: PostgreSQL holds interrupts off while it commits.
	c.setIdle()
	ctx := c.beginStatement()
	defer c.endStatement()
	if err := c.sess.Sync(ctx); err != nil {
		c.sendError(stmtError(ctx, err))
	}
}

// commitBeforeTag commits the implicit transaction of a Query's last
// statement before its CommandComplete (commitFirst), as endImplicit
// would. The result is closed first; Close may be called again. The
// commit is not canceled halfway: PostgreSQL holds interrupts off.
func (c *conn) commitBeforeTag(ctx context.Context, res sql.Result) error {
	if !c.commitFirst {
		return nil
	}
	c.commitFirst = false
	res.Close()
	return c.sess.Sync(context.WithoutCancel(ctx))
}

// runSimple runs one statement of a Query message, sending its rows in
// text format.
func (c *conn) runSimple(stmt parser.Statement) error {
	p, err := c.sess.PrepareSimple(stmt)
	if err != nil {
		return err
	}
	if err := checkShape(p); err != nil {
		return err
	}
	ctx := c.beginStatement()
	defer c.endStatement()
	if p.Copy != nil {
		return stmtError(ctx, c.runCopy(ctx, p, nil))
	}
	res, err := c.sess.Execute(ctx, p, nil)
	if err != nil {
		return stmtError(ctx, err)
	}
	defer res.Close()
	formats := binaryFormats(p)
	if p.Columns != nil {
		c.w.send(rowDescription(p.Columns, formats))
	}
	_, err = c.sendRowsN(ctx, p.Columns, formats, res, 0)
	return stmtError(ctx, err)
}
