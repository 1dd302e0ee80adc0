package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER TYPE c ADD ATTRIBUTE, DROP ATTRIBUTE [IF EXISTS], ALTER
// ATTRIBUTE ... TYPE and RENAME ATTRIBUTE of a stand-alone composite
// type. Its descriptor is rewritten as a whole; while values of the type
// are stored in a table's column (rowtype_deps.go) the attributes may
// only be renamed: a stored value is the record_send form of the fields
// it was written with, read back positionally, so a rename changes
// nothing stored but a new, dropped or retyped field would.

// compositeTarget resolves the composite type an ALTER TYPE names.
func (x *execCtx) compositeTarget(rv *pg_query.RangeVar, missingOK bool) (*catalog.Descriptor, error) {
	d, err := x.resolveUserType(rv.Schemaname, rv.Relname, missingOK)
	if err != nil || d == nil {
		return nil, err
	}
	if !d.IsComposite() {
		return nil, pgerror.Newf(pgcode.WrongObjectType, "%s is not a composite type", d.Name)
	}
	return d, x.mustOwnAs(d, "type")
}

// alterComposite runs ALTER TYPE's attribute subcommands.
func (x *execCtx) alterComposite(n *pg_query.AlterTableStmt) error {
	d, err := x.compositeTarget(n.Relation, n.MissingOk)
	if err != nil || d == nil {
		return err
	}
	attrs := &d.Type.Composite.Attributes
	for _, cn := range n.Cmds {
		cmd := cn.GetAlterTableCmd()
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddColumn, pg_query.AlterTableType_AT_DropColumn, pg_query.AlterTableType_AT_AlterColumnType:
		default:
			return pgerror.Newf(pgcode.FeatureNotSupported, "ALTER TYPE ... %s is not supported", alterActionName(cmd.Subtype))
		}
		if cmd.Behavior == pg_query.DropBehavior_DROP_CASCADE {
			return pgerror.New(pgcode.FeatureNotSupported, "ALTER TYPE ... CASCADE is not supported")
		}
		if err := x.refuseStoredShapeChange(d); err != nil {
			return err
		}
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddColumn:
			cd := cmd.Def.GetColumnDef()
			if attributeIndex(*attrs, cd.Colname) >= 0 {
				if cmd.MissingOk {
					x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "column \""+cd.Colname+"\" of relation \""+d.Name+"\" already exists, skipping")
					continue
				}
				return pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", cd.Colname, d.Name)
			}
			a, err := x.compositeAttribute(cd)
			if err != nil {
				return err
			}
			if err := refuseSelfMember(d, a.Type()); err != nil {
				return err
			}
			*attrs = append(*attrs, a)
		case pg_query.AlterTableType_AT_DropColumn:
			i := attributeIndex(*attrs, cmd.Name)
			if i < 0 {
				if cmd.MissingOk {
					x.sess.notice("NOTICE", pgcode.SuccessfulCompletion, "column \""+cmd.Name+"\" of relation \""+d.Name+"\" does not exist, skipping")
					continue
				}
				return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, d.Name)
			}
			*attrs = append((*attrs)[:i], (*attrs)[i+1:]...)
		case pg_query.AlterTableType_AT_AlterColumnType:
			i := attributeIndex(*attrs, cmd.Name)
			if i < 0 {
				return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" of relation \"%s\" does not exist", cmd.Name, d.Name)
			}
			cd := cmd.Def.GetColumnDef()
			cd.Colname = cmd.Name
			a, err := x.compositeAttribute(cd)
			if err != nil {
				return err
			}
			if err := refuseSelfMember(d, a.Type()); err != nil {
				return err
			}
			(*attrs)[i] = a
		}
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// renameAttribute is ALTER TYPE c RENAME ATTRIBUTE a TO b.
func (x *execCtx) renameAttribute(n *pg_query.RenameStmt) error {
	d, err := x.compositeTarget(n.Relation, n.MissingOk)
	if err != nil || d == nil {
		return err
	}
	attrs := d.Type.Composite.Attributes
	i := attributeIndex(attrs, n.Subname)
	if i < 0 {
		return pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", n.Subname)
	}
	if attributeIndex(attrs, n.Newname) >= 0 {
		return pgerror.Newf(pgcode.DuplicateColumn, "column \"%s\" of relation \"%s\" already exists", n.Newname, d.Name)
	}
	attrs[i].Name = n.Newname
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// attributeIndex is the position of a composite type's attribute, or -1.
func attributeIndex(attrs []catalog.ViewColumn, name string) int {
	for i := range attrs {
		if attrs[i].Name == name {
			return i
		}
	}
	return -1
}
