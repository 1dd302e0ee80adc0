package sql

import (
	"github.com/stela-db/stela/catalog"
)

// The foreign keys that reference each table, for the writers of a
// parent: a DELETE or UPDATE of a parent row must check, cascade to or
// null its children, and an INSERT plans the same writer. Finding them
// means reading every descriptor of the database; done for every plan,
// that made each simple-protocol INSERT, UPDATE or DELETE cost a
// millisecond per hundred tables (docs/BENCHMARKS.md, "Writes in a
// database of many tables").
//
// So a database keeps them by catalog version, shared by its sessions.
// A committed catalog version names one committed catalog: every DDL
// statement bumps it (ddlPlan), and of two transactions bumping it the
// second to commit fails with 40001. A transaction that changed the
// schema itself neither reads nor fills the index (as relcache.go);
// one whose snapshot is older than the index reads the descriptors
// itself. Descriptors in the index are shared: callers only read them.

// fkReferencing is the foreign keys of one catalog version, by the id of
// the table they reference.
type fkReferencing struct {
	version  uint64
	byParent map[uint32][]fkSource
}

// fkSource is one foreign key: the index of the key in its child's
// ForeignKeys.
type fkSource struct {
	child *catalog.Descriptor
	fk    int
}

// referencingFKs returns the foreign keys that reference table id, as
// the planner's transaction sees the catalog.
func (pl *planner) referencingFKs(id uint32) ([]fkSource, error) {
	if pl.referencing == nil {
		idx, err := pl.fkReferencing()
		if err != nil {
			return nil, err
		}
		pl.referencing = idx
	}
	return pl.referencing.byParent[id], nil
}

// fkReferencing returns the index for the planner's transaction, from
// the database's when it is the version the transaction sees.
func (pl *planner) fkReferencing() (*fkReferencing, error) {
	if catalog.ChangedIn(pl.txn) {
		return buildFKReferencing(pl, 0)
	}
	version, err := catalog.Version(pl.txn)
	if err != nil {
		return nil, err
	}
	db := pl.s.db
	if idx := db.fkReferencing.Load(); idx != nil && idx.version == version {
		return idx, nil
	}
	idx, err := buildFKReferencing(pl, version)
	if err != nil {
		return nil, err
	}
	// Keep the newest: committed versions only grow, and a transaction
	// with an older snapshot is the exception.
	for {
		cur := db.fkReferencing.Load()
		if cur != nil && cur.version >= version {
			break
		}
		if db.fkReferencing.CompareAndSwap(cur, idx) {
			break
		}
	}
	return idx, nil
}

// buildFKReferencing reads every descriptor the transaction sees.
func buildFKReferencing(pl *planner, version uint64) (*fkReferencing, error) {
	all, err := catalog.AllUnrecorded(pl.txn) // guarded by the shape lock instead
	if err != nil {
		return nil, err
	}
	idx := &fkReferencing{version: version, byParent: map[uint32][]fkSource{}}
	for _, d := range all {
		if d.Kind != catalog.KindTable {
			continue
		}
		for i := range d.Table.ForeignKeys {
			parent := d.Table.ForeignKeys[i].RefTable
			idx.byParent[parent] = append(idx.byParent[parent], fkSource{child: d, fk: i})
		}
	}
	return idx, nil
}
