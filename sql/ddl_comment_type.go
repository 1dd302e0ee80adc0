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
	var d *catalog.Descriptor
	var err error
	switch n.Objtype {
	case pg_query.ObjectType_OBJECT_DOMCONSTRAINT:
		return x.commentDomainConstraint(n)
	case pg_query.ObjectType_OBJECT_DOMAIN:
		names := n.Object.GetTypeName().GetNames()
		d, err = x.resolveDomain(names, false, notADomainAsWritten(names))
	default:
		d, err = x.commentedUserType(n.Object.GetTypeName())
	}
	if err != nil {
		return err
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	d.Comment = n.Comment
	return catalog.Put(x.txn, d)
}

// notADomainAsWritten is COMMENT's error for a type that is not a
// domain: PostgreSQL names it as written (TypeNameToString), so integer
// is "pg_catalog.int4".
func notADomainAsWritten(names []*pg_query.Node) func(string) error {
	return func(string) error {
		return pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a domain", strings.Join(nodeStrings(names), "."))
	}
}

// commentedUserType resolves COMMENT ON TYPE's type: a user type, or its
// array type for name[].
func (x *execCtx) commentedUserType(tn *pg_query.TypeName) (*catalog.Descriptor, error) {
	schema, name, err := x.splitQualified(nodeStrings(tn.GetNames()))
	if err != nil {
		return nil, err
	}
	d, err := lookupUserType(x.txn, x.sess, schema, name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		if t, berr := types.ByName(name, nil); berr == nil && (schema == "" || schema == "pg_catalog") {
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot comment on the built-in type %s", t.String())
		}
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		return nil, pgerror.Newf(pgcode.UndefinedObject, "type \"%s\" does not exist", full)
	}
	if len(tn.GetArrayBounds()) == 0 || d.Type.ArrayOid == 0 {
		return d, nil
	}
	array, err := catalog.Get(x.txn, d.Type.ArrayOid)
	if err == nil && array == nil {
		err = pgerror.Newf(pgcode.DataCorrupted, "the array type of \"%s\" is missing", name)
	}
	return array, err
}

// commentDomainConstraint is COMMENT ON CONSTRAINT name ON DOMAIN d: the
// object is the domain's name and the constraint's.
func (x *execCtx) commentDomainConstraint(n *pg_query.CommentStmt) error {
	items := n.Object.GetList().GetItems()
	if len(items) != 2 {
		return pgerror.New(pgcode.Syntax, "COMMENT ON CONSTRAINT ... ON DOMAIN needs a domain and a constraint name")
	}
	d, err := x.resolveDomain(items[0].GetTypeName().GetNames(), false, notADomainAsWritten(items[0].GetTypeName().GetNames()))
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
	return pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" for domain %s does not exist", con, d.Name)
}
