package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// What uses a row type (a relation's or a stand-alone composite type's):
// the columns of tables and views, and the attributes of composite
// types, of the type or of its array type, as PostgreSQL's pg_depend
// records them ("column x of table u depends on type t"). DROP refuses
// to take such a type from under them (2BP01); and since a stored
// composite value is the record_send form of the type's fields at the
// time it was written (engine/keyenc), a type whose values are stored
// in a column keeps its shape: ALTER TABLE and ALTER TYPE refuse to add,
// drop or retype its fields (0A000).

// rowTypeUse is one user of a row type.
type rowTypeUse struct {
	owner *catalog.Descriptor // a table, view or composite type
	what  string              // PostgreSQL's description: "column x of table u"
	short string              // and its short name: "u.x"
	// stored is set for a table's column: its values are in rows.
	stored bool
}

// rowTypeUsers lists what uses d's row type or its array type, but in
// the descriptors skip reports.
func (g *depGraph) rowTypeUsers(d *catalog.Descriptor, skip func(*catalog.Descriptor) bool) []rowTypeUse {
	oid, arr := catalog.RowTypeOID(d), catalog.RowArrayOID(d)
	if oid == 0 {
		return nil
	}
	// The array type's users come first, as PostgreSQL finds them: its
	// dependency on the type is older than any column's.
	var out []rowTypeUse
	for _, want := range []uint32{arr, oid} {
		if want != 0 {
			out = append(out, g.typeOidUsers(d, want, skip)...)
		}
	}
	return out
}

// typeOidUsers lists the columns and attributes of type oid, but in d
// and in the descriptors skip reports.
func (g *depGraph) typeOidUsers(d *catalog.Descriptor, oid uint32, skip func(*catalog.Descriptor) bool) []rowTypeUse {
	uses := func(t uint32) bool { return t == oid }
	var out []rowTypeUse
	for _, o := range g.all {
		if skip != nil && skip(o) {
			continue
		}
		switch {
		case o.Table != nil && !o.IsMatView():
			for _, c := range o.Table.Columns {
				if !c.Dropped && !c.IndexKey && uses(c.TypeOid) {
					out = append(out, rowTypeUse{o, "column " + c.Name + " of " + g.x.describe(o), o.Name + "." + c.Name, true})
				}
			}
		case o.View != nil:
			for _, c := range o.View.Columns {
				if uses(c.TypeOid) {
					out = append(out, rowTypeUse{o, "column " + c.Name + " of " + g.x.describe(o), o.Name + "." + c.Name, o.IsMatView()})
				}
			}
		case o.IsComposite() && o.ID != d.ID:
			for _, a := range o.Type.Composite.Attributes {
				if uses(a.TypeOid) {
					out = append(out, rowTypeUse{o, "column " + a.Name + " of composite type " + o.Name, o.Name + "." + a.Name, false})
				}
			}
		}
	}
	return out
}

// storedRowType reports whether d's row type has values stored in some
// table's or materialized view's column, anywhere in the column's type:
// itself, an array of it, a domain over either, a field of another row
// type (a composite's, a view's). A dropped column counts: its bytes
// stay in the rows, which whole-row reads still decode. The shape of
// such a type may not change.
func (g *depGraph) storedRowType(d *catalog.Descriptor) (string, bool) {
	oid := catalog.RowTypeOID(d)
	if oid == 0 {
		return "", false
	}
	// Users of the array type first, as PostgreSQL names them (as
	// rowTypeUsers does).
	for _, want := range []uint32{catalog.RowArrayOID(d), oid} {
		for _, o := range g.all {
			if o.Table == nil || want == 0 {
				continue
			}
			for i := range o.Table.Columns {
				c := &o.Table.Columns[i]
				if !c.IndexKey && catalog.UsesType(c.Type(), want) {
					return o.Name + "." + c.Name, true
				}
			}
		}
	}
	return "", false
}

// refuseStoredShapeChange refuses to change the fields of d's row type
// when values of it are stored (see the top of the file).
func (x *execCtx) refuseStoredShapeChange(d *catalog.Descriptor) error {
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	what, ok := g.storedRowType(d)
	if !ok {
		return nil
	}
	msg := "cannot alter table \"" + d.Name + "\" because column \"" + what + "\" uses its row type"
	if d.IsComposite() {
		msg = "cannot alter type \"" + d.Name + "\" because column \"" + what + "\" uses it"
	}
	return pgerror.New(pgcode.FeatureNotSupported, msg).
		WithDetail("stela keeps a stored composite value in the shape its type had when it was written, so the type's attributes cannot change while values of it are stored.")
}

// refuseSelfMember refuses a column or attribute of type t in d when t
// holds d's own row type (PostgreSQL's CheckAttributeType).
func refuseSelfMember(d *catalog.Descriptor, t *types.T) error {
	if oid := catalog.RowTypeOID(d); oid != 0 && catalog.UsesType(t, oid) {
		return pgerror.Newf(pgcode.InvalidTableDefinition, "composite type %s cannot be made a member of itself", d.Name)
	}
	return nil
}

// refuseAttributeCascade refuses DROP TYPE ... CASCADE of a type that an
// attribute of a composite type uses: PostgreSQL drops the attribute,
// which stela does not do (ALTER TYPE ... DROP ATTRIBUTE is one way).
func (g *depGraph) refuseAttributeCascade(d *catalog.Descriptor) error {
	for _, o := range g.all {
		if !o.IsComposite() || o.ID == d.ID {
			continue
		}
		for _, a := range o.Type.Composite.Attributes {
			if a.TypeOid == d.ID || d.Type != nil && d.Type.ArrayOid != 0 && a.TypeOid == d.Type.ArrayOid {
				return pgerror.Newf(pgcode.FeatureNotSupported, "DROP TYPE ... CASCADE of a type that column %s of composite type %s uses is not supported", a.Name, o.Name).
					WithHint("Drop the attribute with ALTER TYPE ... DROP ATTRIBUTE first.")
			}
		}
	}
	return nil
}

// checkRowTypeAlter refuses an ALTER TABLE subcommand that would change
// the fields of the table's row type while values of it are stored, and
// a new column whose type holds the table's own row type.
func (x *execCtx) checkRowTypeAlter(d *catalog.Descriptor, cmd *pg_query.AlterTableCmd) error {
	if d.Kind != catalog.KindTable || d.IsMatView() {
		return nil
	}
	switch cmd.Subtype {
	case pg_query.AlterTableType_AT_AddColumn:
		if cd := cmd.Def.GetColumnDef(); cd != nil && cd.TypeName != nil {
			// serial and the like are no type names: the column's own
			// path reads them, and reports a name that is no type.
			if t, err := x.typeFromName(cd.TypeName); err == nil {
				if err := refuseSelfMember(d, t); err != nil {
					return err
				}
			}
		}
	case pg_query.AlterTableType_AT_DropColumn, pg_query.AlterTableType_AT_AlterColumnType:
	default:
		return nil
	}
	return x.refuseStoredShapeChange(d)
}
