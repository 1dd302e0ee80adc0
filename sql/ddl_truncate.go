package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// planTruncate plans TRUNCATE: each table gets new, empty storage
// (catalog.Truncate); its rows stay readable as of earlier transactions.
func (pl *planner) planTruncate(n *pg_query.TruncateStmt) (plan, error) {
	return &ddlPlan{tag: "TRUNCATE TABLE", fn: func(x *execCtx) error { return x.truncate(n) }}, nil
}

func (x *execCtx) truncate(n *pg_query.TruncateStmt) error {
	var tables []*catalog.Descriptor
	in := map[uint32]bool{}
	for _, r := range n.Relations {
		rv := r.GetRangeVar()
		d, err := x.relationFor(rv)
		if err != nil {
			return err
		}
		if d.Kind != catalog.KindTable || d.IsMatView() {
			return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a table", d.Name)
		}
		if !in[d.ID] {
			in[d.ID] = true
			tables = append(tables, d)
		}
	}
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	// Tables whose foreign keys reference a truncated table must be
	// truncated too: with CASCADE they are, else it is an error.
	cascade := n.Behavior == pg_query.DropBehavior_DROP_CASCADE
	for i := 0; i < len(tables); i++ {
		p := tables[i]
		for _, c := range g.all {
			if c.Kind != catalog.KindTable || in[c.ID] {
				continue
			}
			for _, fk := range c.Table.ForeignKeys {
				if fk.RefTable != p.ID || in[c.ID] {
					continue
				}
				if !cascade {
					return pgerror.New(pgcode.FeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint").
						WithDetail("Table \"" + c.Name + "\" references \"" + p.Name + "\".").
						WithHint("Truncate table \"" + c.Name + "\" at the same time, or use TRUNCATE ... CASCADE.")
				}
				x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "truncate cascades to table \""+c.Name+"\"")
				in[c.ID] = true
				tables = append(tables, c)
			}
		}
	}
	// Every table truncated needs TRUNCATE, those CASCADE adds too, as
	// in PostgreSQL; checked before anything is written.
	for _, d := range tables {
		if err := x.sess.checkTable("D", d); err != nil {
			return err
		}
	}
	for _, d := range tables {
		// Re-read: a table named twice through CASCADE is one
		// descriptor, and its write must build on the last.
		cur, err := catalog.Get(x.txn, d.ID)
		if err != nil {
			return err
		}
		if err := catalog.Truncate(x.txn, cur); err != nil {
			return err
		}
	}
	if !n.RestartSeqs {
		return nil
	}
	// RESTART IDENTITY: the owned sequences start over, each in a new
	// incarnation, so that a rollback brings back the values they had
	// (catalog.Reincarnate).
	for _, s := range g.all {
		if s.Kind == catalog.KindSequence && in[s.Sequence.OwnedByTable] {
			cur, err := catalog.Get(x.txn, s.ID)
			if err != nil {
				return err
			}
			if err := catalog.Reincarnate(cur); err != nil {
				return err
			}
			if err := catalog.Put(x.txn, cur); err != nil {
				return err
			}
		}
	}
	return nil
}
