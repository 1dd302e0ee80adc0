package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE TYPE name AS (attr type, ...): a stand-alone composite type.
// It is a user-type descriptor (catalog/rowtype.go) with its array type
// _name beside it, as an enum is, so creating it is transactional and
// versioned like every descriptor. Besides the type's OID it takes one
// for the pg_class row of relkind 'c' PostgreSQL gives a composite type
// (its typrelid, which pg_attribute's rows hang off).

func (pl *planner) planCreateComposite(n *pg_query.CompositeTypeStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE TYPE", fn: func(x *execCtx) error { return x.createComposite(n) }}, nil
}

func (x *execCtx) createComposite(n *pg_query.CompositeTypeStmt) error {
	rv := n.Typevar
	schema, err := x.sess.schemaFor(x.txn, rv.Schemaname)
	if err != nil {
		return err
	}
	name := rv.Relname
	// PostgreSQL checks the type's name (which a table's or a view's row
	// type may have), then its relation's, which any relation may have.
	arrayName, err := x.typeNamesFree(schema.ID, name)
	if err != nil {
		return err
	}
	if err := x.relationNameFree(schema.ID, name); err != nil {
		return err
	}
	attrs, err := x.compositeAttributes(n.Coldeflist)
	if err != nil {
		return err
	}
	id, arrayID, err := x.newTypeIDs()
	if err != nil {
		return err
	}
	relid, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	owner := x.creator()
	comp := &catalog.Descriptor{Kind: catalog.KindType, ID: id, Name: name, Schema: schema.ID, Owner: owner,
		Type: &catalog.TypeDesc{ArrayOid: arrayID, Composite: &catalog.CompositeDesc{Relid: relid, Attributes: attrs}}}
	array := &catalog.Descriptor{Kind: catalog.KindType, ID: arrayID, Name: arrayName, Schema: schema.ID, Owner: owner,
		Type: &catalog.TypeDesc{ArrayOf: id}}
	if err := catalog.Put(x.txn, comp); err != nil {
		return err
	}
	if err := catalog.Put(x.txn, array); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// compositeAttributes reads the attribute list of CREATE TYPE ... AS:
// names unique, types any a column may have.
func (x *execCtx) compositeAttributes(defs []*pg_query.Node) ([]catalog.ViewColumn, error) {
	var attrs []catalog.ViewColumn
	seen := map[string]bool{}
	for _, n := range defs {
		cd := n.GetColumnDef()
		if cd == nil {
			return nil, pgerror.New(pgcode.Syntax, "CREATE TYPE ... AS takes attribute definitions")
		}
		if seen[cd.Colname] {
			return nil, pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" specified more than once", cd.Colname)
		}
		seen[cd.Colname] = true
		a, err := x.compositeAttribute(cd)
		if err != nil {
			return nil, err
		}
		attrs = append(attrs, a)
	}
	return attrs, nil
}

// compositeAttribute is one attribute: its name, type and collation.
func (x *execCtx) compositeAttribute(cd *pg_query.ColumnDef) (catalog.ViewColumn, error) {
	a := catalog.ViewColumn{Name: cd.Colname}
	typ, err := x.typeFromName(cd.TypeName)
	if err != nil {
		return a, err
	}
	if err := checkStorableType(cd.Colname, typ); err != nil {
		return a, err
	}
	if cd.CollClause != nil {
		if _, err := columnCollation(cd.CollClause, typ); err != nil {
			return a, err
		}
	}
	a.SetType(typ)
	return a, nil
}

// checkStorableType refuses a type no stored value can have: a
// pseudo-type (CheckAttributeType in PostgreSQL).
func checkStorableType(column string, typ *types.T) error {
	if typ.Category == 'P' {
		return pgerror.Newf(pgcode.InvalidTableDefinition, "column \"%s\" has pseudo-type %s", column, typ.Name)
	}
	return nil
}
