package sql

import (
	"cmp"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE and RENAME TO, and
// DROP TYPE. An enum is a catalog descriptor (catalog/types.go) with its
// array type beside it, as PostgreSQL makes _name with every type.
//
// Stored rows hold a value's label text (types/enum.go), so the log
// reads the same without the catalog. That is why RENAME VALUE is
// refused: the rows written before it would keep the old text, which
// is no longer a label.

// typeNameParts splits a type name given as a list of strings
// (CREATE TYPE, ALTER TYPE): [schema.]name.
func (x *execCtx) typeNameParts(nodes []*pg_query.Node) (schema, name string, err error) {
	return x.splitQualified(nodeStrings(nodes))
}

// resolveUserType finds the user type a DDL statement names; nil (after
// a NOTICE) when it does not exist and missingOK allows that. A
// built-in type is not the user's to change.
func (x *execCtx) resolveUserType(schema, name string, missingOK bool) (*catalog.Descriptor, error) {
	d, err := lookupUserType(x.txn, x.sess, schema, name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		if schema == "" || schema == "pg_catalog" {
			if t, berr := types.ByName(name, nil); berr == nil && !missingOK {
				return nil, pgerror.Newf(pgcode.WrongObjectType, "%s is not an enum", t.String())
			}
		}
		return nil, x.missing(missingOK, pgcode.UndefinedObject, "type \""+full+"\" does not exist")
	}
	return d, nil
}

func (pl *planner) planCreateEnum(n *pg_query.CreateEnumStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE TYPE", fn: func(x *execCtx) error { return x.createEnum(n) }}, nil
}

func (x *execCtx) createEnum(n *pg_query.CreateEnumStmt) error {
	schemaName, name, err := x.typeNameParts(n.TypeName)
	if err != nil {
		return err
	}
	schema, err := x.sess.schemaFor(x.txn, schemaName)
	if err != nil {
		return err
	}
	arrayName, err := x.typeNamesFree(schema.ID, name)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var labels []catalog.EnumLabelDesc
	for i, v := range n.Vals {
		label := v.GetString_().GetSval()
		if err := checkEnumLabel(label); err != nil {
			return err
		}
		if seen[label] {
			// PostgreSQL's words: its pg_enum's unique index catches it.
			return pgerror.New(pgcode.UniqueViolation, `duplicate key value violates unique constraint "pg_enum_typid_label_index"`)
		}
		seen[label] = true
		labels = append(labels, catalog.EnumLabelDesc{Sort: float64(i + 1), Label: label})
	}
	id, arrayID, err := x.newTypeIDs()
	if err != nil {
		return err
	}
	for i := range labels {
		if labels[i].Oid, err = catalog.NewID(x.txn); err != nil {
			return err
		}
	}
	owner := x.creator()
	enum := &catalog.Descriptor{Kind: catalog.KindType, ID: id, Name: name, Schema: schema.ID, Owner: owner,
		Type: &catalog.TypeDesc{Enum: labels, ArrayOid: arrayID}}
	array := &catalog.Descriptor{Kind: catalog.KindType, ID: arrayID, Name: arrayName, Schema: schema.ID, Owner: owner,
		Type: &catalog.TypeDesc{ArrayOf: id}}
	if err := catalog.Put(x.txn, enum); err != nil {
		return err
	}
	if err := catalog.Put(x.txn, array); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// typeNamesFree refuses a new type's name, or the name of its array
// type, when it is taken (typeNameFree); it returns the array's name.
func (x *execCtx) typeNamesFree(schema uint32, name string) (arrayName string, err error) {
	if err := x.typeNameFree(schema, name); err != nil {
		return "", err
	}
	arrayName = arrayTypeName(name)
	return arrayName, x.typeNameFree(schema, arrayName)
}

// newTypeIDs allocates the OIDs of a new type and of its array type.
func (x *execCtx) newTypeIDs() (id, arrayID uint32, err error) {
	if id, err = catalog.NewID(x.txn); err != nil {
		return 0, 0, err
	}
	arrayID, err = catalog.NewID(x.txn)
	return id, arrayID, err
}

// typeNameFree refuses a type name that a type or the row type of a
// relation has in the schema (a table, a view or a materialized view has
// one of its name; an index or a sequence none, as in PostgreSQL 15).
func (x *execCtx) typeNameFree(schema uint32, name string) error {
	if d, err := catalog.LookupType(x.txn, schema, name); err != nil {
		return err
	} else if d != nil {
		return pgerror.Newf(pgcode.DuplicateObject, "type \"%s\" already exists", name)
	}
	if d, err := catalog.Lookup(x.txn, schema, name); err != nil {
		return err
	} else if catalog.HasRowType(d) {
		return pgerror.Newf(pgcode.DuplicateObject, "type \"%s\" already exists", name)
	}
	return nil
}

// checkEnumLabel is PostgreSQL's limit on a label's length.
func checkEnumLabel(label string) error {
	if len(label) > types.MaxEnumLabel || len(label) == 0 {
		return pgerror.Newf(pgcode.InvalidName, "invalid enum label \"%s\"", label).
			WithDetail("Labels must be 63 bytes or less.")
	}
	return nil
}

func (pl *planner) planAlterEnum(n *pg_query.AlterEnumStmt) (plan, error) {
	return &ddlPlan{tag: "ALTER TYPE", fn: func(x *execCtx) error { return x.alterEnum(n) }}, nil
}

// alterEnum is ADD VALUE [IF NOT EXISTS] v [BEFORE|AFTER w], and
// RENAME VALUE, which is refused (see the top of the file).
func (x *execCtx) alterEnum(n *pg_query.AlterEnumStmt) error {
	schema, name, err := x.typeNameParts(n.TypeName)
	if err != nil {
		return err
	}
	d, err := x.resolveUserType(schema, name, false)
	if err != nil {
		return err
	}
	if d.Type.ArrayOf != 0 || d.Type.Domain != nil {
		return pgerror.Newf(pgcode.WrongObjectType, "%s is not an enum", d.Name)
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	if n.OldVal != "" {
		return pgerror.New(pgcode.FeatureNotSupported, "ALTER TYPE ... RENAME VALUE is not supported").
			WithDetail("stela's rows keep the label text they were written with, and committed rows are never rewritten.")
	}
	labels := d.Type.Enum
	for _, l := range labels {
		if l.Label == n.NewVal {
			if n.SkipIfNewValExists {
				x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "enum label \""+n.NewVal+"\" already exists, skipping")
				return nil
			}
			return pgerror.Newf(pgcode.DuplicateObject, "enum label \"%s\" already exists", n.NewVal)
		}
	}
	if err := checkEnumLabel(n.NewVal); err != nil {
		return err
	}
	pos, err := newLabelPosition(labels, n.NewValNeighbor, n.NewValIsAfter)
	if err != nil {
		return err
	}
	oid, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	d.Type.Enum = append(labels, catalog.EnumLabelDesc{Oid: oid, Sort: pos, Label: n.NewVal})
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// newLabelPosition places a new label: last, or just before or after
// neighbor. Existing labels keep their positions, so the index keys
// that hold them stay where they are (engine/keyenc orders enum keys by
// position); a new position between two others is their midpoint.
func newLabelPosition(labels []catalog.EnumLabelDesc, neighbor string, after bool) (float64, error) {
	sorted := slices.Clone(labels)
	slices.SortFunc(sorted, func(a, b catalog.EnumLabelDesc) int { return cmp.Compare(a.Sort, b.Sort) })
	if neighbor == "" {
		if len(sorted) == 0 {
			return 1, nil
		}
		return sorted[len(sorted)-1].Sort + 1, nil
	}
	at := -1
	for i, l := range sorted {
		if l.Label == neighbor {
			at = i
		}
	}
	if at < 0 {
		return 0, pgerror.Newf(pgcode.InvalidParameterValue, "\"%s\" is not an existing enum label", neighbor)
	}
	lo, hi := 0.0, 0.0
	if after {
		lo = sorted[at].Sort
		if at+1 < len(sorted) {
			hi = sorted[at+1].Sort
		} else {
			return lo + 1, nil
		}
	} else {
		hi = sorted[at].Sort
		if at > 0 {
			lo = sorted[at-1].Sort
		} else {
			return hi - 1, nil
		}
	}
	mid := lo + (hi-lo)/2
	if mid <= lo || mid >= hi {
		// Fifty-odd insertions at one spot exhaust a float8's precision;
		// PostgreSQL renumbers then, which would move stela's keys.
		return 0, pgerror.New(pgcode.ProgramLimitExceeded, "no room for a new enum label at this position").
			WithHint("Add the label at another position.")
	}
	return mid, nil
}

// renameType is ALTER TYPE ... RENAME TO: the array type follows as
// _name, as PostgreSQL renames it.
func (x *execCtx) renameType(n *pg_query.RenameStmt) error {
	schema, name, err := x.splitQualified(nodeStrings(n.Object.GetList().GetItems()))
	if err != nil {
		return err
	}
	d, err := x.resolveUserType(schema, name, n.MissingOk)
	if err != nil || d == nil {
		return err
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	if d.IsComposite() {
		// Its relation is renamed first, as PostgreSQL's
		// RenameRelationInternal does.
		if err := x.relationNameFree(d.Schema, n.Newname); err != nil {
			return err
		}
	}
	if err := x.typeNameFree(d.Schema, n.Newname); err != nil {
		return err
	}
	if d.Type.ArrayOf == 0 {
		array, err := catalog.Get(x.txn, d.Type.ArrayOid)
		if err != nil {
			return err
		}
		if array != nil {
			if err := catalog.Rename(x.txn, array, arrayTypeName(n.Newname)); err != nil {
				return err
			}
		}
	}
	if err := catalog.Rename(x.txn, d, n.Newname); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// arrayTypeName is the name of a type's array type: _name, cut to 63
// bytes.
func arrayTypeName(name string) string {
	s := "_" + name
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}

// dropTypes is DROP TYPE [IF EXISTS] name, ... [CASCADE | RESTRICT]. A
// type that a column of a table or view, or a domain, uses cannot go
// without CASCADE, which drops them too (ddl_droptype_cascade.go).
func (x *execCtx) dropTypes(n *pg_query.DropStmt) error {
	domains := n.RemoveType == pg_query.ObjectType_OBJECT_DOMAIN
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	var drop []*catalog.Descriptor
	for _, obj := range n.Objects {
		tn := obj.GetTypeName()
		if tn == nil {
			return pgerror.New(pgcode.Syntax, "DROP TYPE takes type names")
		}
		var d *catalog.Descriptor
		if domains {
			d, err = x.resolveDomain(tn.Names, n.MissingOk, func(name string) error {
				return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a domain", name)
			})
		} else {
			schema, name, serr := x.splitQualified(nodeStrings(tn.Names))
			if serr != nil {
				return serr
			}
			d, err = x.resolveUserType(schema, name, n.MissingOk)
		}
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		if d.Type.ArrayOf != 0 {
			return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop type %s[] because type %s requires it", strings.TrimPrefix(d.Name, "_"), strings.TrimPrefix(d.Name, "_")).
				WithHint("You can drop type " + strings.TrimPrefix(d.Name, "_") + " instead.")
		}
		if err := x.mustOwnAs(d, "type"); err != nil {
			return err
		}
		drop = append(drop, d)
	}
	if n.Behavior == pg_query.DropBehavior_DROP_CASCADE {
		for _, d := range drop {
			if err := g.refuseAttributeCascade(d); err != nil {
				return err
			}
		}
		return x.dropTypesCascade(drop)
	}
	var deps []string
	for _, d := range drop {
		// The other types dropped with d do not hold it back.
		others := map[uint32]bool{}
		for _, o := range drop {
			if o.ID != d.ID {
				others[o.ID] = true
			}
		}
		deps = append(deps, g.typeUsersSeen(d, others)...)
	}
	if len(deps) != 0 {
		return errDependents("type "+drop[0].Name, len(drop) > 1, deps)
	}
	for _, d := range drop {
		if err := catalog.Delete(x.txn, d); err != nil {
			return err
		}
	}
	if len(drop) == 0 {
		return nil
	}
	return catalog.BumpVersion(x.txn)
}

// typeUsersSeen describes, in PostgreSQL's words, what depends on user
// type d: the columns of d or its array, and the domains over d (but
// those in seen), each followed by what depends on it.
func (g *depGraph) typeUsersSeen(d *catalog.Descriptor, seen map[uint32]bool) []string {
	if seen[d.ID] {
		return nil
	}
	seen[d.ID] = true
	var array, direct []string
	columns := func(o *catalog.Descriptor, oid uint32, c string) {
		switch oid {
		case d.ID:
			direct = append(direct, "column "+c+" of "+g.x.describe(o)+" depends on type "+d.Name)
		case d.Type.ArrayOid:
			array = append(array, "column "+c+" of "+g.x.describe(o)+" depends on type "+d.Name+"[]")
		}
	}
	var domains []string
	for _, o := range g.all {
		switch {
		case o.IsComposite() && o.ID != d.ID:
			for _, a := range o.Type.Composite.Attributes {
				if a.TypeOid == d.ID || a.TypeOid == d.Type.ArrayOid && d.Type.ArrayOid != 0 {
					direct = append(direct, "column "+a.Name+" of composite type "+o.Name+" depends on type "+d.Name)
				}
			}
		case o.Kind == catalog.KindFunction:
			// Its argument, result and RETURNS TABLE types
			// (function_deps.go).
			// What calls it follows it.
			u := functionUsesType(o, d.ID, d.Type.ArrayOid)
			if u == 0 {
				break
			}
			ds := g.newDropSet()
			ds.add(o)
			ds.expand()
			callers := ds.dependents
			switch u {
			case d.ID:
				direct = append(append(direct, g.x.describe(o)+" depends on type "+d.Name), callers...)
			case d.Type.ArrayOid:
				array = append(append(array, g.x.describe(o)+" depends on type "+d.Name+"[]"), callers...)
			}
		case o.Kind == catalog.KindType && o.Type.Domain != nil && o.Type.Domain.BaseOid == d.ID && !seen[o.ID]:
			domains = append(domains, "type "+o.Name+" depends on type "+d.Name)
			domains = append(domains, g.typeUsersSeen(o, seen)...)
		case o.Table != nil && !o.IsMatView():
			for _, c := range o.Table.Columns {
				// An expression index's key goes with the index, whose
				// column is listed itself.
				if !c.Dropped && !c.IndexKey {
					columns(o, c.TypeOid, c.Name)
				}
			}
		case o.View != nil:
			for _, c := range o.View.Columns {
				columns(o, c.TypeOid, c.Name)
			}
		}
	}
	return append(append(array, domains...), direct...)
}

// changeTypeOwner is ALTER TYPE name OWNER TO role (pg_dump writes one
// after each CREATE TYPE); the array type follows.
func (x *execCtx) changeTypeOwner(n *pg_query.AlterOwnerStmt) error {
	role, err := x.sess.existingRole(n.Newowner)
	if err != nil {
		return err
	}
	schema, name, err := x.splitQualified(nodeStrings(n.Object.GetList().GetItems()))
	if err != nil {
		return err
	}
	d, err := x.resolveUserType(schema, name, false)
	if err != nil {
		return err
	}
	if ownerName(d) == role {
		return nil
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	if err := x.mayGiveTo(role); err != nil {
		return err
	}
	for _, id := range []uint32{d.ID, d.Type.ArrayOid} {
		o, err := catalog.Get(x.txn, id)
		if err != nil || o == nil {
			return err
		}
		o.Owner = role
		if err := catalog.Put(x.txn, o); err != nil {
			return err
		}
	}
	return catalog.BumpVersion(x.txn)
}
