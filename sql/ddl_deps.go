package sql

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// The dependencies PostgreSQL keeps in pg_depend are derived here from
// the descriptors: a view depends on the relations its query reads
// (ViewDesc.DependsOn; a materialized view's too) and the user functions
// it calls (ViewDesc.Functions), a foreign key on the table it references, an
// owned sequence on its table, and every object on its schema. DROP and
// ALTER consult them to refuse (2BP01) or, with CASCADE, to drop the
// dependents too.

// depGraph is the catalog as one DDL statement sees it.
type depGraph struct {
	x    *execCtx
	all  []*catalog.Descriptor
	byID map[uint32]*catalog.Descriptor
	// seqRefs memoizes defaultSequences by default text: a drop asks of
	// every column's default once per sequence it drops.
	seqRefs map[string][]uint32
}

// defaultSequences is the package function over the graph's catalog, parsing
// each distinct default once.
func (g *depGraph) defaultSequences(text string) []uint32 {
	if !mayCallSequence(text) {
		return nil
	}
	ids, ok := g.seqRefs[text]
	if !ok {
		if g.seqRefs == nil {
			g.seqRefs = map[string][]uint32{}
		}
		ids = defaultSequences(text, g.byID)
		g.seqRefs[text] = ids
	}
	return ids
}

func (x *execCtx) depGraph() (*depGraph, error) {
	all, err := catalog.All(x.txn)
	if err != nil {
		return nil, err
	}
	g := &depGraph{x: x, all: all, byID: map[uint32]*catalog.Descriptor{}}
	for _, d := range all {
		g.byID[d.ID] = d
	}
	return g, nil
}

// fkDrop is a foreign key constraint a cascade drops (its table stays).
type fkDrop struct {
	table *catalog.Descriptor
	name  string
}

// defaultDrop is a column whose default calls a sequence a cascade
// drops (a serial's implicit nextval, or a DEFAULT naming the sequence:
// default_seqrefs.go); the default goes, the column stays.
type defaultDrop struct {
	table *catalog.Descriptor
	col   uint32
	seq   uint32
	// fn is the user function the default is bound to that the cascade
	// drops, instead of seq (ddl_deps_exprs.go).
	fn uint32
}

// dropSet is what a DROP removes: the objects named, and what depends on
// them, in the order found. dependents describes, in PostgreSQL's words,
// the objects that would be dropped beyond those named ("view v depends
// on table p"); cascaded names them for the NOTICE.
type dropSet struct {
	g          *depGraph
	objs       []*catalog.Descriptor
	in         map[uint32]bool
	named      map[uint32]bool
	fks        []fkDrop
	defaults   []defaultDrop
	checks     []checkDrop
	dependents []string
	cascaded   []string
	// keep is a table in the set that stays (DROP COLUMN's), whose other
	// columns may still depend on what goes; keepDropCol is the column
	// dropped.
	keep, keepDropCol uint32
	// rowTypeUsed is set when a dropped relation's row type is the type
	// of a column that stays: CASCADE would drop that column, which is
	// not done.
	rowTypeUsed bool
	// generatedUsed is set when a generated column calls a dropped
	// function: CASCADE would drop the column, which is not done.
	generatedUsed bool
}

func (g *depGraph) newDropSet() *dropSet {
	return &dropSet{g: g, in: map[uint32]bool{}, named: map[uint32]bool{}}
}

// note records desc ("view v", "default value for column a of table t")
// as depending on on, what the statement drops or changes.
func (ds *dropSet) note(desc, on string) {
	ds.dependents = append(ds.dependents, desc+" depends on "+on)
	ds.cascaded = append(ds.cascaded, desc)
}

// add names an object the statement drops.
func (ds *dropSet) add(d *catalog.Descriptor) {
	if !ds.in[d.ID] {
		ds.in[d.ID] = true
		ds.named[d.ID] = true
		ds.objs = append(ds.objs, d)
	}
}

// expand adds what depends on the objects in the set, depth first as
// PostgreSQL's findDependentObjects: the contents of schemas, the
// sequences dropped tables own (silently: PostgreSQL's internal
// dependencies), foreign keys of surviving tables that reference dropped
// ones (only the constraint goes) and views over dropped relations.
func (ds *dropSet) expand() {
	named := append([]*catalog.Descriptor(nil), ds.objs...)
	// The whole set first, so that a table the cascade drops takes its
	// foreign keys with it instead of listing them.
	for _, d := range named {
		ds.reach(d)
	}
	seen := map[uint32]bool{}
	for _, d := range named {
		ds.describeDeps(d, seen)
	}
}

// reach adds every object that depends on d.
func (ds *dropSet) reach(d *catalog.Descriptor) {
	for _, o := range ds.directDependents(d) {
		if !ds.in[o.ID] {
			ds.in[o.ID] = true
			ds.objs = append(ds.objs, o)
			ds.reach(o)
		}
	}
	if d.Kind == catalog.KindTable {
		for _, o := range ds.g.all {
			if o.Kind == catalog.KindSequence && o.Sequence.OwnedByTable == d.ID && !ds.in[o.ID] {
				ds.in[o.ID] = true
				ds.objs = append(ds.objs, o)
			}
		}
	}
}

// directDependents are the objects of a schema (but owned sequences,
// which go with their table), or the views over a relation.
func (ds *dropSet) directDependents(d *catalog.Descriptor) []*catalog.Descriptor {
	var out []*catalog.Descriptor
	for _, o := range ds.g.all {
		switch {
		case d.Kind == catalog.KindSchema:
			// Owned sequences go with their table, array types with
			// their element type.
			if o.Schema == d.ID && !(o.Kind == catalog.KindSequence && o.Sequence.OwnedByTable != 0) &&
				!(o.Kind == catalog.KindType && o.Type.ArrayOf != 0) {
				out = append(out, o)
			}
		case readsRelation(o, d) && o.ID != d.ID, callsFunction(o, d): // view_funcs.go
			out = append(out, o)
		}
	}
	return out
}

// describeDeps lists, under d, the foreign keys of surviving tables that
// reference it and then the objects depending on it, recursively.
func (ds *dropSet) describeDeps(d *catalog.Descriptor, seen map[uint32]bool) {
	if seen[d.ID] {
		return
	}
	seen[d.ID] = true
	x := ds.g.x
	what := x.describe(d)
	if d.Kind == catalog.KindSequence {
		ds.sequenceUsers(d, what)
	}
	if d.Kind == catalog.KindFunction {
		ds.functionUsers(d, what) // ddl_deps_exprs.go
	}
	if d.Kind == catalog.KindTable {
		ds.ownedSequenceUsers(d, 0)
		for _, o := range ds.g.all {
			if o.Kind != catalog.KindTable || ds.in[o.ID] {
				continue
			}
			for _, fk := range o.Table.ForeignKeys {
				if fk.RefTable != d.ID || ds.hasFK(o.ID, fk.Name) {
					continue
				}
				ds.fks = append(ds.fks, fkDrop{table: o, name: fk.Name})
				desc := "constraint " + fk.Name + " on " + x.describe(o)
				ds.note(desc, what)
			}
		}
	}
	if (d.Kind == catalog.KindTable || d.Kind == catalog.KindView) && d.ID != ds.keep {
		// Columns of other relations of the row type of d, which goes
		// with it (rowtype_deps.go).
		for _, u := range ds.g.rowTypeUsers(d, func(o *catalog.Descriptor) bool { return ds.in[o.ID] }) {
			ds.note(u.what, "type "+d.Name)
			ds.rowTypeUsed = true
		}
	}
	// A schema's objects all depend on it first (PostgreSQL lists a view
	// of the schema under the schema, not under the table it reads).
	var members []*catalog.Descriptor
	for _, o := range ds.directDependents(d) {
		if ds.named[o.ID] || seen[o.ID] {
			continue
		}
		ds.note(x.describe(o), what)
		if d.Kind == catalog.KindSchema {
			seen[o.ID] = true
			members = append(members, o)
			continue
		}
		ds.describeDeps(o, seen)
	}
	for _, o := range members {
		seen[o.ID] = false
		ds.describeDeps(o, seen)
	}
}

// sequenceUsers notes the columns of surviving tables whose default
// calls d: a serial's implicit nextval, or a DEFAULT naming d
// (nextval('s'), also within a larger expression). PostgreSQL's "default
// value for column id of table t depends on sequence t_id_seq".
func (ds *dropSet) sequenceUsers(d *catalog.Descriptor, what string) {
	x := ds.g.x
	for _, o := range ds.g.all {
		if o.Kind != catalog.KindTable || ds.in[o.ID] && o.ID != ds.keep {
			continue
		}
		for _, c := range o.Table.Columns {
			if c.Dropped || ds.keep == o.ID && c.ID == ds.keepDropCol {
				continue
			}
			if c.Sequence != d.ID && !containsID(ds.g.defaultSequences(c.Default), d.ID) {
				continue
			}
			if c.Sequence == d.ID && c.Identity != "" {
				continue // droppableSequence refuses the drop
			}
			desc := "default value for column " + c.Name + " of " + x.describe(o)
			ds.note(desc, what)
			ds.defaults = append(ds.defaults, defaultDrop{table: o, col: c.ID, seq: d.ID})
		}
	}
}

// ownedSequenceUsers notes, for each sequence table t owns (and that its
// drop takes along), the columns of other tables whose default calls it;
// with col != 0 only the sequences column col owns.
func (ds *dropSet) ownedSequenceUsers(t *catalog.Descriptor, col uint32) {
	for _, o := range ds.g.all {
		if o.Kind != catalog.KindSequence || o.Sequence.OwnedByTable != t.ID {
			continue
		}
		if col != 0 && o.Sequence.OwnedByColumn != col {
			continue
		}
		ds.sequenceUsers(o, ds.g.x.describe(o))
	}
}

func (ds *dropSet) hasFK(table uint32, name string) bool {
	for _, f := range ds.fks {
		if f.table.ID == table && f.name == name {
			return true
		}
	}
	return false
}

// errDependents is PostgreSQL's 2BP01 for a DROP without CASCADE that
// would take more than the objects named: what names the one object
// named ("table t"), or several is set when more were; the dependents
// are the DETAIL's lines ("view v depends on table t").
func errDependents(what string, several bool, dependents []string) error {
	msg := "cannot drop " + what + " because other objects depend on it"
	if several {
		msg = "cannot drop desired object(s) because other objects depend on them"
	}
	return pgerror.New(pgcode.DependentObjectsStillExist, msg).
		WithDetail(strings.Join(dependents, "\n")).
		WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
}

// finish refuses, without CASCADE, a drop that would take more than the
// objects named (2BP01, listing them), or notices the cascade.
func (ds *dropSet) finish(cascade bool, what string) error {
	if len(ds.dependents) == 0 {
		return nil
	}
	if !cascade {
		return errDependents(what, len(ds.named) > 1, ds.dependents)
	}
	if err := ds.refuseUnsupportedCascade(); err != nil {
		return err
	}
	ds.g.x.cascadeNotice("drop", ds.cascaded)
	return nil
}

// refuseUnsupportedCascade refuses a cascade that would drop what stela
// cannot drop yet: a column of another relation of a dropped row type,
// a generated column or an index a dropped function is called in. Both
// finish and apply ask, so that a cascade that reaches apply by another
// way (DROP TYPE ... CASCADE of a function's argument type) is refused
// too, rather than leaving a table whose writes call a function that is
// gone.
func (ds *dropSet) refuseUnsupportedCascade() error {
	if ds.rowTypeUsed {
		return pgerror.New(pgcode.FeatureNotSupported, "DROP ... CASCADE of a relation whose row type a column of another relation uses is not supported").
			WithDetail(strings.Join(ds.dependents, "\n")).
			WithHint("Drop or change the columns of the row type first.")
	}
	if ds.generatedUsed {
		return errGeneratedCascade(ds.dependents)
	}
	return nil
}

// cascadeNotice is PostgreSQL's NOTICE of what a cascade also dropped.
func (x *execCtx) cascadeNotice(verb string, objs []string) {
	if x.cascaded != nil {
		*x.cascaded = append(*x.cascaded, objs...)
		return
	}
	if len(objs) == 1 {
		x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, verb+" cascades to "+objs[0])
		return
	}
	lines := make([]string, len(objs))
	for i, o := range objs {
		lines[i] = verb + " cascades to " + o
	}
	if x.sess.OnNotice != nil {
		x.sess.OnNotice(pgerror.Newf(pgcode.SuccessfulCompletion, "%s cascades to %d other objects", verb, len(objs)).
			WithDetail(strings.Join(lines, "\n")).WithSeverity("NOTICE"))
	}
}

// apply drops everything in the set: descriptors, the defaults that use
// dropped sequences, and the foreign keys of surviving tables.
func (ds *dropSet) apply() error {
	if err := ds.refuseUnsupportedCascade(); err != nil {
		return err
	}
	x := ds.g.x
	byTable := map[uint32][]string{}
	for _, f := range ds.fks {
		byTable[f.table.ID] = append(byTable[f.table.ID], f.name)
	}
	ids := make([]uint32, 0, len(byTable))
	for id := range byTable {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		d, err := catalog.Get(x.txn, id)
		if err != nil {
			return err
		}
		t := d.Table
		kept := t.ForeignKeys[:0]
		for _, fk := range t.ForeignKeys {
			if !containsString(byTable[id], fk.Name) {
				kept = append(kept, fk)
			}
		}
		t.ForeignKeys = kept
		if err := catalog.Put(x.txn, d); err != nil {
			return err
		}
	}
	for _, dd := range ds.defaults {
		d, err := catalog.Get(x.txn, dd.table.ID)
		if err != nil {
			return err
		}
		if c := d.Table.Column(dd.col); c != nil {
			dropBoundDefault(c, dd.fn) // ddl_deps_exprs.go
			if c.Sequence == dd.seq {
				c.Sequence = 0
			}
			if containsID(ds.g.defaultSequences(c.Default), dd.seq) {
				// The functions the default called go with it.
				c.Default, c.Functions = "", nil
			}
		}
		if err := catalog.Put(x.txn, d); err != nil {
			return err
		}
	}
	if err := ds.applyCheckDrops(); err != nil {
		return err
	}
	// Schemas go last: their objects' name entries are under them.
	var relations []uint32
	for pass := 0; pass < 2; pass++ {
		for _, d := range ds.objs {
			if (d.Kind == catalog.KindSchema) != (pass == 1) {
				continue
			}
			if d.Kind != catalog.KindSchema {
				relations = append(relations, d.ID)
			}
			// A dropped table's rows are not deleted one by one: the
			// delete of its descriptor is the drop, and no descriptor
			// will name its id again (ids are never reused), so no
			// reader at or after the drop reaches its keys, while one
			// as of an earlier tx still reads them. A drop thus costs
			// the same for ten rows and for a hundred million, as in
			// PostgreSQL, instead of a delete per row and index entry.
			if err := catalog.Delete(x.txn, d); err != nil {
				return err
			}
		}
	}
	x.sess.forgetGrantsAfterCommit(relations) // drop_grants.go
	return nil
}

// describe names an object as PostgreSQL's getObjectDescription does:
// "table p", "view s.v" (qualified when its schema is not on the search
// path), "schema s".
func (x *execCtx) describe(d *catalog.Descriptor) string {
	switch d.Kind {
	case catalog.KindSchema:
		return "schema " + d.Name
	case catalog.KindFunction:
		return "function " + x.functionName(d) // ddl_function_alter.go
	}
	return d.KindName() + " " + x.qualifiedName(d)
}

// readsRelation reports whether o is a view or materialized view whose
// query reads d.
func readsRelation(o, d *catalog.Descriptor) bool {
	return (o.Kind == catalog.KindView || o.IsMatView()) && containsID(o.View.DependsOn, d.ID)
}

// qualifiedName is a relation's name, qualified by its schema when that
// is not the first on the search path to hold the name.
func (x *execCtx) qualifiedName(d *catalog.Descriptor) string {
	for _, sn := range x.sess.searchPath() {
		s, err := catalog.Lookup(x.txn, 0, sn)
		if err != nil || s == nil {
			continue
		}
		if s.ID == d.Schema {
			return d.Name
		}
		if o, err := catalog.Lookup(x.txn, s.ID, d.Name); err != nil || o != nil {
			break
		}
	}
	s, err := catalog.Get(x.txn, d.Schema)
	if err != nil || s == nil {
		return fmt.Sprintf("%d.%s", d.Schema, d.Name)
	}
	return s.Name + "." + d.Name
}

func containsID(ids []uint32, id uint32) bool {
	for _, i := range ids {
		if i == id {
			return true
		}
	}
	return false
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// addDependent adds an object that depends on something a statement
// drops or changes (on: "column b of table t"), and what depends on it.
func (ds *dropSet) addDependent(o *catalog.Descriptor, on string) {
	if ds.in[o.ID] {
		return
	}
	ds.in[o.ID] = true
	ds.objs = append(ds.objs, o)
	ds.note(ds.g.x.describe(o), on)
	ds.reach(o)
	ds.describeDeps(o, map[uint32]bool{})
}

// addFK adds a foreign key constraint that depends on something a
// statement drops.
func (ds *dropSet) addFK(table *catalog.Descriptor, name, on string) {
	if ds.hasFK(table.ID, name) {
		return
	}
	ds.fks = append(ds.fks, fkDrop{table: table, name: name})
	desc := "constraint " + name + " on " + ds.g.x.describe(table)
	ds.note(desc, on)
}
