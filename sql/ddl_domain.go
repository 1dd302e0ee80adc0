package sql

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// CREATE DOMAIN and ALTER DOMAIN. A domain is a user type's descriptor
// (catalog/types.go) holding its base type, NOT NULL, default and CHECK
// constraints, with an array type _name beside it as PostgreSQL makes
// one. Values are stored as the base type's (types/domain.go), so a
// constraint added later never changes how a row reads: rows written
// before a NOT VALID constraint still read, AS OF any time.

func (pl *planner) planCreateDomain(n *pg_query.CreateDomainStmt) (plan, error) {
	return &ddlPlan{tag: "CREATE DOMAIN", fn: func(x *execCtx) error { return x.createDomain(n) }}, nil
}

func (x *execCtx) createDomain(n *pg_query.CreateDomainStmt) error {
	schemaName, name, err := x.typeNameParts(n.Domainname)
	if err != nil {
		return err
	}
	schema, err := x.sess.schemaFor(x.txn, schemaName)
	if err != nil {
		return err
	}
	base, err := x.typeFromName(n.TypeName)
	if err != nil {
		return err
	}
	if base.Family == types.UnknownFamily || base.Family == types.VoidFamily || base.Family == types.PseudoFamily || base.Family == types.RecordFamily {
		return pgerror.Newf(pgcode.DatatypeMismatch, "\"%s\" is not a valid base type for a domain", base.String())
	}
	if n.CollClause != nil {
		// Every collation orders strings bytewise (collations.go):
		// the clause is checked, and has nothing to keep.
		if _, err := columnCollation(n.CollClause, base); err != nil {
			return err
		}
	}
	arrayName, err := x.typeNamesFree(schema.ID, name)
	if err != nil {
		return err
	}
	id, arrayID, err := x.newTypeIDs()
	if err != nil {
		return err
	}
	dd := &catalog.DomainDesc{BaseOid: base.Oid, BaseTypmod: base.Typmod}
	if base.Domain != nil {
		// Over a domain: its default is inherited (PostgreSQL's
		// DefineDomain copies typdefault).
		dd.BaseOid, dd.BaseTypmod, dd.Default = base.Domain.Oid, -1, base.Domain.Default
	}
	nullSeen, notNullSeen, defaultSeen := false, false, false
	var checks []*pg_query.Constraint
	for _, node := range n.Constraints {
		c := node.GetConstraint()
		if c == nil {
			continue
		}
		switch c.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL, pg_query.ConstrType_CONSTR_NULL:
			if (c.Contype == pg_query.ConstrType_CONSTR_NOTNULL && nullSeen) || (c.Contype == pg_query.ConstrType_CONSTR_NULL && notNullSeen) {
				return pgerror.New(pgcode.Syntax, "conflicting NULL/NOT NULL constraints")
			}
			notNullSeen = notNullSeen || c.Contype == pg_query.ConstrType_CONSTR_NOTNULL
			nullSeen = nullSeen || c.Contype == pg_query.ConstrType_CONSTR_NULL
			dd.NotNull = notNullSeen
		case pg_query.ConstrType_CONSTR_DEFAULT:
			if defaultSeen {
				return pgerror.New(pgcode.Syntax, "multiple default expressions")
			}
			defaultSeen = true
			col := &catalog.ColumnDesc{Name: name}
			col.SetType(base)
			if dd.Default, err = x.defaultText(c.RawExpr, col); err != nil {
				return err
			}
		case pg_query.ConstrType_CONSTR_CHECK:
			checks = append(checks, c)
		default:
			if err := domainConstraintKindError(c); err != nil {
				return err
			}
		}
	}
	d := &catalog.Descriptor{Kind: catalog.KindType, ID: id, Name: name, Schema: schema.ID, Owner: x.creator(),
		Type: &catalog.TypeDesc{Domain: dd, ArrayOid: arrayID}}
	for _, c := range checks {
		if err := x.addDomainCheck(d, base, c); err != nil {
			return err
		}
	}
	array := &catalog.Descriptor{Kind: catalog.KindType, ID: arrayID, Name: arrayName, Schema: schema.ID, Owner: d.Owner,
		Type: &catalog.TypeDesc{ArrayOf: id}}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	if err := catalog.Put(x.txn, array); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// domainConstraintKindError refuses the constraints a domain cannot
// have, in PostgreSQL's words.
func domainConstraintKindError(c *pg_query.Constraint) error {
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_UNIQUE:
		return pgerror.New(pgcode.Syntax, "unique constraints not possible for domains")
	case pg_query.ConstrType_CONSTR_PRIMARY:
		return pgerror.New(pgcode.Syntax, "primary key constraints not possible for domains")
	case pg_query.ConstrType_CONSTR_FOREIGN:
		return pgerror.New(pgcode.Syntax, "foreign key constraints not possible for domains")
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		return pgerror.New(pgcode.Syntax, "exclusion constraints not possible for domains")
	case pg_query.ConstrType_CONSTR_GENERATED, pg_query.ConstrType_CONSTR_IDENTITY:
		return pgerror.New(pgcode.Syntax, "specifying GENERATED not supported for domains")
	case pg_query.ConstrType_CONSTR_ATTR_DEFERRABLE, pg_query.ConstrType_CONSTR_ATTR_NOT_DEFERRABLE,
		pg_query.ConstrType_CONSTR_ATTR_DEFERRED, pg_query.ConstrType_CONSTR_ATTR_IMMEDIATE:
		return pgerror.New(pgcode.FeatureNotSupported, "specifying constraint deferrability not supported for domains")
	}
	return pgerror.Newf(pgcode.FeatureNotSupported, "unrecognized constraint subtype: %d", c.Contype)
}

// addDomainCheck checks a domain's CHECK constraint against its base
// type, names it (name_check, name_check1, ... as PostgreSQL's
// ChooseConstraintName) and adds it to d.
func (x *execCtx) addDomainCheck(d *catalog.Descriptor, base *types.T, c *pg_query.Constraint) error {
	if c.IsNoInherit {
		return pgerror.New(pgcode.InvalidObjectDefinition, "check constraints for domains cannot be marked NO INHERIT")
	}
	dd := d.Type.Domain
	name := c.Conname
	taken := func(n string) bool {
		for _, k := range dd.Checks {
			if k.Name == n {
				return true
			}
		}
		return false
	}
	if name != "" && taken(name) {
		return pgerror.Newf(pgcode.DuplicateObject, "constraint \"%s\" for domain \"%s\" already exists", name, d.Name)
	}
	for i := 0; name == ""; i++ {
		suffix := "check"
		if i > 0 {
			suffix = fmt.Sprintf("check%d", i)
		}
		if n := makeObjectName([]string{d.Name}, suffix); !taken(n) {
			name = n
		}
	}
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	if _, err := b.DomainCheckNode(base, c.RawExpr); err != nil {
		return err
	}
	text, err := x.storedExprText(c.RawExpr)
	if err != nil {
		return err
	}
	oid, err := catalog.NewID(x.txn)
	if err != nil {
		return err
	}
	dd.Checks = append(dd.Checks, catalog.DomainCheckDesc{Oid: oid, Name: name, Expr: text, NotValid: c.SkipValidation})
	return nil
}

// resolveDomain finds the domain an ALTER DOMAIN or DROP DOMAIN names;
// nil (after a NOTICE) when it does not exist and missingOK allows it.
// notDomain is the statement's error for a type that is not a domain.
func (x *execCtx) resolveDomain(nodes []*pg_query.Node, missingOK bool, notDomain func(name string) error) (*catalog.Descriptor, error) {
	schema, name, err := x.splitQualified(nodeStrings(nodes))
	if err != nil {
		return nil, err
	}
	d, err := lookupUserType(x.txn, x.sess, schema, name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		if t, berr := types.ByName(name, nil); berr == nil && (schema == "" || schema == "pg_catalog") {
			return nil, notDomain(t.String())
		}
		if rel, err := x.relationNamed(schema, name); err != nil {
			return nil, err
		} else if rel {
			return nil, notDomain(name)
		}
		full := name
		if schema != "" {
			full = schema + "." + name
		}
		return nil, x.missing(missingOK, pgcode.UndefinedObject, "type \""+full+"\" does not exist")
	}
	if d.Type.Domain == nil {
		return nil, notDomain(d.Name)
	}
	return d, nil
}

// relationNamed reports whether a relation (whose row type PostgreSQL
// would find) has the name.
func (x *execCtx) relationNamed(schema, name string) (bool, error) {
	rv := &pg_query.RangeVar{Schemaname: schema, Relname: name}
	d, err := x.relationFor(rv)
	if err != nil {
		if pgerror.HasCode(err, pgcode.UndefinedTable) || pgerror.HasCode(err, pgcode.InvalidSchemaName) {
			return false, nil
		}
		return false, err
	}
	return d != nil && d.Kind != catalog.KindIndex, nil
}

// domainColumn is a table's stored column with values of domain d,
// directly or through a domain over it. Inside is, for a column that
// holds them inside its own values (an array of the domain, a composite
// type with a field of it, at any depth), the name of the domain it
// holds: PostgreSQL does not look into such values when a domain gets a
// new constraint, it refuses the change naming that domain.
type domainColumn struct {
	table  *catalog.Descriptor
	col    int
	inside string
}

func (x *execCtx) domainColumns(d *catalog.Descriptor) ([]domainColumn, error) {
	all, err := catalog.All(x.txn)
	if err != nil {
		return nil, err
	}
	// over names d and the domains over it, arrays their array types.
	over := map[uint32]string{d.ID: d.Name}
	arrays := map[uint32]string{d.Type.ArrayOid: d.Name}
	for changed := true; changed; {
		changed = false
		for _, o := range all {
			if o.Kind == catalog.KindType && o.Type.Domain != nil && over[o.Type.Domain.BaseOid] != "" && over[o.ID] == "" {
				over[o.ID], arrays[o.Type.ArrayOid], changed = o.Name, o.Name, true
			}
		}
	}
	var out []domainColumn
	for _, o := range all {
		if o.Table == nil || o.IsMatView() {
			continue
		}
		full, err := catalog.Get(x.txn, o.ID) // hydrated
		if err != nil || full == nil {
			return nil, err
		}
		for i, c := range full.Table.Columns {
			if c.Dropped || c.IndexKey {
				continue
			}
			if over[c.TypeOid] != "" {
				out = append(out, domainColumn{table: full, col: i})
			} else if name := arrays[c.TypeOid]; name != "" {
				out = append(out, domainColumn{table: full, col: i, inside: name})
			} else if name := holdsDomain(c.Type(), over); name != "" {
				out = append(out, domainColumn{table: full, col: i, inside: name})
			}
		}
	}
	return out, nil
}

// holdsDomain is the name of one of the domains over whose values
// values of type t hold (t is one, or an array or a composite type of
// them), "" if none: the first met in field order, so that the message
// does not change from run to run (catalog.UsesType's walk, for a set
// of domains).
func holdsDomain(t *types.T, over map[uint32]string) string {
	if t == nil {
		return ""
	}
	if name, ok := over[t.Oid]; ok {
		return name
	}
	if t.Domain != nil {
		if name, ok := over[t.Domain.Oid]; ok {
			return name
		}
	}
	if t.Elem != nil {
		return holdsDomain(t.Elem, over)
	}
	if t.Row != nil {
		for _, f := range t.Fields {
			if name := holdsDomain(f.T, over); name != "" {
				return name
			}
		}
	}
	return ""
}

// qualifiedColumn is t.c as PostgreSQL's messages print a column.
func qualifiedColumn(d *catalog.Descriptor, col int) string {
	return d.Name + "." + d.Table.Columns[col].Name
}
