package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// COMMENT ON TYPE, COMMENT ON DOMAIN and COMMENT ON CONSTRAINT ... ON
// DOMAIN. The comment is kept in the type's descriptor (a domain
// constraint's in its DomainCheckDesc), so that it goes with the type;
// pg_description lists it under pg_type or pg_constraint
// (pgcatalog_comment.go), where psql's \dT+ and \dD+ read it. Built-in
// types are not stored and cannot keep one.

// commentType comments the type, domain or domain constraint n names.
func (x *execCtx) commentType(n *pg_query.CommentStmt) error {
	if n.Objtype == pg_query.ObjectType_OBJECT_DOMCONSTRAINT {
		return x.commentDomainConstraint(n)
	}
	tn := n.Object.GetTypeName()
	written := strings.Join(nodeStrings(tn.GetNames()), ".") // PostgreSQL's TypeNameToString
	schema, name, err := x.splitQualified(nodeStrings(tn.GetNames()))
	if err != nil {
		return err
	}
	d, err := lookupUserType(x.txn, x.sess, schema, name)
	if err != nil {
		return err
	}
	if d == nil {
		if t, berr := types.ByName(name, nil); berr == nil && (schema == "" || schema == "pg_catalog") {
			if n.Objtype == pg_query.ObjectType_OBJECT_DOMAIN {
				return pgerror.Newf(pgcode.WrongObjectType, "%q is not a domain", written)
			}
			return pgerror.Newf(pgcode.FeatureNotSupported, "cannot comment on the built-in type %s", t.String())
		}
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		return pgerror.Newf(pgcode.UndefinedObject, "type %q does not exist", full)
	}
	if len(tn.GetArrayBounds()) > 0 && d.Type.ArrayOid != 0 {
		// COMMENT ON TYPE e[] names e's array type.
		if d, err = catalog.Get(x.txn, d.Type.ArrayOid); err != nil {
			return err
		} else if d == nil {
			return pgerror.Newf(pgcode.DataCorrupted, "the array type of %q is missing", name)
		}
	}
	if n.Objtype == pg_query.ObjectType_OBJECT_DOMAIN && d.Type.Domain == nil {
		return pgerror.Newf(pgcode.WrongObjectType, "%q is not a domain", written)
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	d.Comment = n.Comment
	return catalog.Put(x.txn, d)
}

// commentDomainConstraint is COMMENT ON CONSTRAINT name ON DOMAIN d: the
// object is the domain's name and the constraint's.
func (x *execCtx) commentDomainConstraint(n *pg_query.CommentStmt) error {
	items := n.Object.GetList().GetItems()
	if len(items) != 2 {
		return pgerror.New(pgcode.Syntax, "COMMENT ON CONSTRAINT ... ON DOMAIN needs a domain and a constraint name")
	}
	names := items[0].GetTypeName().GetNames()
	d, err := x.resolveDomain(names, false, func(string) error {
		return pgerror.Newf(pgcode.WrongObjectType, "%q is not a domain", strings.Join(nodeStrings(names), "."))
	})
	if err != nil {
		return err
	}
	con := items[1].GetString_().GetSval()
	dd := d.Type.Domain
	for i := range dd.Checks {
		if dd.Checks[i].Name == con {
			if err := x.mustOwnAs(d, "type"); err != nil {
				return err
			}
			dd.Checks[i].Comment = n.Comment
			return catalog.Put(x.txn, d)
		}
	}
	return pgerror.Newf(pgcode.UndefinedObject, "constraint %q for domain %s does not exist", con, d.Name)
}
