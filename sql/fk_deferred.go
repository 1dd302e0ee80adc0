package sql

import (
	"context"
	"slices"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A DEFERRABLE foreign key's NO ACTION checks may wait for the commit,
// as PostgreSQL's deferred constraint triggers do: the statement's end
// queues them with the transaction when the key is deferred (INITIALLY
// DEFERRED, or SET CONSTRAINTS ... DEFERRED), and COMMIT, or a SET
// CONSTRAINTS ... IMMEDIATE naming the key, runs them. A check that
// fails at COMMIT fails the COMMIT, which then rolls back. RESTRICT and
// the actions (CASCADE, SET NULL, SET DEFAULT) act at once whatever the
// key says, as in PostgreSQL.
//
// A queued check names its key by table and columns, not by the
// statement's resolved tables, so that it runs against the catalog as
// the transaction left it: a key dropped meanwhile has nothing left to
// check, and a renamed one is still found.

// deferredCheck is one check queued for the commit.
type deferredCheck struct {
	table uint32
	// fk is the key as it was queued: its columns find it again, its
	// name is SET CONSTRAINTS'.
	fk         catalog.ForeignKeyDesc
	vals       []types.Datum
	parentGone bool
}

// constraintID names a constraint for SET CONSTRAINTS.
type constraintID struct {
	table uint32
	name  string
}

// fkDeferral is a transaction's deferred checks and its SET CONSTRAINTS
// modes. A savepoint keeps a copy: ROLLBACK TO drops the checks queued
// since and brings back those run since, and the modes as they were.
type fkDeferral struct {
	checks []deferredCheck
	// all is SET CONSTRAINTS ALL's mode (nil: each key's own), named
	// the modes of keys set by name since.
	all   *bool
	named map[constraintID]bool
}

// copy returns a copy a later change to d does not reach.
func (d *fkDeferral) copy() fkDeferral {
	c := fkDeferral{checks: slices.Clip(d.checks), all: d.all}
	if d.named != nil {
		c.named = make(map[constraintID]bool, len(d.named))
		for k, v := range d.named {
			c.named[k] = v
		}
	}
	return c
}

// deferred reports whether the checks of a key of table are put off.
func (d *fkDeferral) deferred(table uint32, fk *catalog.ForeignKeyDesc) bool {
	if !fk.Deferrable {
		return false
	}
	if v, ok := d.named[constraintID{table, fk.Name}]; ok {
		return v
	}
	if d.all != nil {
		return *d.all
	}
	return fk.InitiallyDeferred
}

// deferIfAsked queues a statement's check with the transaction when its
// key is deferred, and reports whether it did.
func (x *execCtx) deferIfAsked(p fkPending) bool {
	d := &x.sess.txn.deferral
	table := p.ref.child.desc.ID
	if !d.deferred(table, p.ref.fk) {
		return false
	}
	d.checks = append(d.checks, deferredCheck{table: table, fk: *p.ref.fk, vals: p.vals, parentGone: p.parentGone})
	return true
}

// runDeferredChecks runs the queued checks that which selects (all of
// them when nil) and takes them off the queue.
func (s *Session) runDeferredChecks(ctx context.Context, which func(*deferredCheck) bool) error {
	d := &s.txn.deferral
	if len(d.checks) == 0 || s.txn.eng == nil {
		return nil
	}
	ec := &expr.Context{Ctx: ctx, Session: s, TxTime: s.txn.start, StatementTime: s.txn.start, Args: &s.args}
	x := s.statementCtx(ec, s.txn.eng)
	ec.Catalog = regCatalog{}
	pl := &planner{s: s, txn: x.txn, params: &expr.ParamTypes{NoParams: true}}
	var keep []deferredCheck
	for i := range d.checks {
		c := &d.checks[i]
		if which != nil && !which(c) {
			keep = append(keep, *c)
			continue
		}
		ref, err := pl.deferredRef(c)
		if err != nil {
			return err
		}
		if ref == nil {
			continue // the key is gone: nothing to hold to
		}
		if err := x.runFKCheck(fkPending{ref: ref, vals: c.vals, parentGone: c.parentGone}); err != nil {
			return err
		}
	}
	d.checks = keep
	return nil
}

// deferredRef finds a queued check's key in the transaction's catalog:
// the key of its table over the same columns and referenced columns.
func (pl *planner) deferredRef(c *deferredCheck) (*fkRef, error) {
	d, err := catalog.Get(pl.txn, c.table)
	if err != nil || d == nil || d.Kind != catalog.KindTable {
		return nil, err
	}
	for i := range d.Table.ForeignKeys {
		fk := &d.Table.ForeignKeys[i]
		if fk.RefTable == c.fk.RefTable && slices.Equal(fk.Columns, c.fk.Columns) && slices.Equal(fk.RefColumns, c.fk.RefColumns) {
			return pl.fkRef(d, fk)
		}
	}
	return nil, nil
}

// notPending refuses to alter a table while checks of its keys, or of
// keys referencing it, wait for the commit, as PostgreSQL does: they
// were queued against the table as it is.
func (d *fkDeferral) notPending(t *catalog.Descriptor) error {
	for i := range d.checks {
		if c := &d.checks[i]; c.table == t.ID || c.fk.RefTable == t.ID {
			return pgerror.Newf(pgcode.ObjectInUse, "cannot ALTER TABLE \"%s\" because it has pending trigger events", t.Name)
		}
	}
	return nil
}
