package sql

import (
	"github.com/stela-db/stela/catalog"
)

// DROP TYPE ... CASCADE and DROP DOMAIN ... CASCADE: what uses a dropped
// type goes with it, as PostgreSQL's dependencies take it. The domains
// over the type are dropped (and what uses them); a table's column of
// the type or its array is dropped as by ALTER TABLE ... DROP COLUMN
// CASCADE (taking its indexes, constraints and the views that read it);
// a view or materialized view with a column of the type, or a function
// with an argument or result of it, is dropped with what depends on it.
// One NOTICE lists everything, as PostgreSQL's.
//
// A column in a table's primary key cannot be dropped in stela (its
// rows are stored under the key: ddl_dropcol.go), so such a cascade
// fails with that error and drops nothing.

// typeClosure returns the ids of d, its array type, and every domain
// over them (and their arrays), recursively; order lists the domains
// (dependents first) and then d, the order they are deleted in.
func typeClosure(g *depGraph, d *catalog.Descriptor) (ids map[uint32]bool, order []*catalog.Descriptor) {
	ids = map[uint32]bool{}
	var visit func(t *catalog.Descriptor)
	visit = func(t *catalog.Descriptor) {
		if ids[t.ID] {
			return
		}
		ids[t.ID] = true
		if t.Type.ArrayOid != 0 {
			ids[t.Type.ArrayOid] = true
		}
		for _, o := range g.all {
			if o.Kind == catalog.KindType && o.Type.Domain != nil &&
				(o.Type.Domain.BaseOid == t.ID || o.Type.Domain.BaseOid == t.Type.ArrayOid) {
				visit(o)
			}
		}
		order = append(order, t)
	}
	visit(d)
	return ids, order
}

// dropTypeUsers drops the columns, views and materialized views that use
// one of the types in ids, one at a time (each drop changes what the
// next finds), and returns what it dropped, for the NOTICE.
func (x *execCtx) dropTypeUsers(ids map[uint32]bool) ([]string, error) {
	var dropped []string
	// The cascades of each drop are gathered here, not told apart.
	x.cascaded = &dropped
	defer func() { x.cascaded = nil }()
	for {
		g, err := x.depGraph()
		if err != nil {
			return nil, err
		}
		did, err := x.dropOneTypeUser(g, ids, &dropped)
		if err != nil || !did {
			return dropped, err
		}
	}
}

// dropOneTypeUser drops the first user of the types found; false when
// there is none left.
func (x *execCtx) dropOneTypeUser(g *depGraph, ids map[uint32]bool, dropped *[]string) (bool, error) {
	for _, o := range g.all {
		switch {
		case o.Table != nil && !o.IsMatView():
			for _, c := range o.Table.Columns {
				if c.Dropped || c.Hidden || c.IndexKey || !ids[c.TypeOid] {
					continue
				}
				if err := x.refuseStoredShapeChange(o); err != nil {
					return false, err // o's row type is stored elsewhere
				}
				*dropped = append(*dropped, "column "+c.Name+" of "+x.describe(o))
				return true, x.dropColumn(o, c.Name, false, true)
			}
		case o.Kind == catalog.KindFunction && functionUsesTypes(o, ids),
			(o.View != nil || o.IsMatView()) && relationUsesTypes(o, ids):
			// It goes with what calls or reads it (function_deps.go).
			ds := g.newDropSet()
			ds.add(o)
			ds.expand()
			*dropped = append(*dropped, x.describe(o))
			*dropped = append(*dropped, ds.cascaded...)
			return true, ds.apply()
		}
	}
	return false, nil
}

// relationUsesTypes reports whether a view's or materialized view's
// columns have one of the types.
func relationUsesTypes(o *catalog.Descriptor, ids map[uint32]bool) bool {
	if o.View != nil {
		for _, c := range o.View.Columns {
			if ids[c.TypeOid] {
				return true
			}
		}
		return false
	}
	for _, c := range o.Table.Columns {
		if !c.Dropped && ids[c.TypeOid] {
			return true
		}
	}
	return false
}

// dropTypesCascade drops the types DROP ... CASCADE names, with the
// domains over them and what uses any of them.
func (x *execCtx) dropTypesCascade(drop []*catalog.Descriptor) error {
	var cascaded []string
	deleted := map[uint32]bool{}
	named := map[uint32]bool{}
	for _, d := range drop {
		named[d.ID] = true
	}
	for _, d := range drop {
		if deleted[d.ID] {
			continue
		}
		g, err := x.depGraph()
		if err != nil {
			return err
		}
		ids, order := typeClosure(g, d)
		for _, t := range order {
			if t.ID != d.ID && !named[t.ID] {
				cascaded = append(cascaded, "type "+t.Name)
			}
		}
		users, err := x.dropTypeUsers(ids)
		if err != nil {
			return err
		}
		cascaded = append(cascaded, users...)
		for _, t := range order {
			if deleted[t.ID] {
				continue
			}
			deleted[t.ID] = true
			if err := catalog.Delete(x.txn, t); err != nil {
				return err
			}
		}
	}
	if len(cascaded) > 0 {
		x.cascadeNotice("drop", cascaded)
	}
	return catalog.BumpVersion(x.txn)
}
