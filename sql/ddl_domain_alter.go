package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// ALTER DOMAIN: SET/DROP DEFAULT, SET/DROP NOT NULL, ADD/DROP/VALIDATE
// CONSTRAINT (and RENAME, RENAME CONSTRAINT, OWNER TO, through the
// statements those share with ALTER TYPE). A new rule checks the rows of
// every column of the domain (or of a domain over it) unless it is NOT
// VALID, and binds the writers of those tables that planned before it as
// a table's own CHECK would (catalog.ChangedShape).

func (pl *planner) planAlterDomain(n *pg_query.AlterDomainStmt) (plan, error) {
	return &ddlPlan{tag: "ALTER DOMAIN", fn: func(x *execCtx) error { return x.alterDomain(n) }}, nil
}

// notADomain is ALTER DOMAIN's error for a type that is not a domain.
func notADomain(name string) error {
	return pgerror.Newf(pgcode.WrongObjectType, "%s is not a domain", name)
}

func (x *execCtx) alterDomain(n *pg_query.AlterDomainStmt) error {
	d, err := x.resolveDomain(n.TypeName, false, notADomain)
	if err != nil {
		return err
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	dd := d.Type.Domain
	switch n.Subtype {
	case "T":
		if n.Def == nil {
			dd.Default = ""
			break
		}
		base, err := x.domainBase(d)
		if err != nil {
			return err
		}
		col := &catalog.ColumnDesc{Name: d.Name}
		col.SetType(base)
		if dd.Default, err = x.defaultText(n.Def, col); err != nil {
			return err
		}
	case "N":
		dd.NotNull = false
	case "O":
		if dd.NotNull {
			return nil
		}
		dd.NotNull = true
		if err := x.checkDomainRows(d, func(v types.Datum) (bool, error) { return v != nil, nil }, func(t, c string) *pgerror.Error {
			return pgerror.Newf(pgcode.NotNullViolation, "column \"%s\" of table \"%s\" contains null values", c, t)
		}); err != nil {
			return err
		}
	case "C":
		c := n.Def.GetConstraint()
		if c == nil {
			return pgerror.New(pgcode.Syntax, "ALTER DOMAIN ADD takes a constraint")
		}
		if c.Contype != pg_query.ConstrType_CONSTR_CHECK {
			return domainConstraintKindError(c)
		}
		base, err := x.domainBase(d)
		if err != nil {
			return err
		}
		if err := x.addDomainCheck(d, base, c); err != nil {
			return err
		}
		if !c.SkipValidation {
			if err := x.validateDomainCheck(d, base, dd.Checks[len(dd.Checks)-1]); err != nil {
				return err
			}
		}
	case "X":
		found := false
		for i, c := range dd.Checks {
			if c.Name == n.Name {
				dd.Checks = append(dd.Checks[:i], dd.Checks[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			return x.missing(n.MissingOk, pgcode.UndefinedObject, "constraint \""+n.Name+"\" of domain \""+d.Name+"\" does not exist")
		}
	case "V":
		at := -1
		for i, c := range dd.Checks {
			if c.Name == n.Name {
				at = i
			}
		}
		if at < 0 {
			return pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" of domain \"%s\" does not exist", n.Name, d.Name)
		}
		if !dd.Checks[at].NotValid {
			return nil
		}
		base, err := x.domainBase(d)
		if err != nil {
			return err
		}
		if err := x.validateDomainCheck(d, base, dd.Checks[at]); err != nil {
			return err
		}
		dd.Checks[at].NotValid = false
	default:
		return pgerror.Newf(pgcode.FeatureNotSupported, "ALTER DOMAIN subcommand \"%s\" is not supported", n.Subtype)
	}
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}

// domainBase is the type a domain's descriptor is declared over.
func (x *execCtx) domainBase(d *catalog.Descriptor) (*types.T, error) {
	t, ok, err := catalog.TypeByOid(x.txn, d.ID)
	if err != nil {
		return nil, err
	}
	if !ok || t.Domain == nil {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "catalog: domain %d unreadable", d.ID)
	}
	return t.Domain.Base, nil
}

// validateDomainCheck checks a domain's CHECK on the rows of every
// column of it.
func (x *execCtx) validateDomainCheck(d *catalog.Descriptor, base *types.T, ck catalog.DomainCheckDesc) error {
	b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
	e, err := b.DomainCheckExpr(base, ck.Expr)
	if err != nil {
		return err
	}
	return x.checkDomainRows(d, func(v types.Datum) (bool, error) {
		r, err := x.eval(e, []types.Datum{v})
		return r != false, err
	}, func(t, c string) *pgerror.Error {
		return pgerror.Newf(pgcode.CheckViolation, "column \"%s\" of table \"%s\" contains values that violate the new constraint", c, t)
	})
}

// checkDomainRows calls ok with the value of every row's column of
// domain d, and fails with violated's error on the first it refuses.
// A column with values of the domain inside its own (an array, a
// composite) is refused, as PostgreSQL does.
func (x *execCtx) checkDomainRows(d *catalog.Descriptor, ok func(types.Datum) (bool, error), violated func(table, column string) *pgerror.Error) error {
	cols, err := x.domainColumns(d)
	if err != nil {
		return err
	}
	for _, c := range cols {
		if c.inside != "" {
			return pgerror.Newf(pgcode.FeatureNotSupported, "cannot alter type \"%s\" because column \"%s\" uses it", c.inside, qualifiedColumn(c.table, c.col))
		}
	}
	for _, c := range cols {
		if err := catalog.ChangedShape(x.txn, c.table.ID); err != nil {
			return err
		}
		col := c.col
		name := c.table.Table.Columns[col].Name
		if err := x.eachRow(c.table, func(row []types.Datum) error {
			good, err := ok(row[col])
			if err != nil {
				return err
			}
			if !good {
				return x.inTable(violated(c.table.Name, name).WithColumn(name), c.table)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// renameDomainConstraint is ALTER DOMAIN d RENAME CONSTRAINT a TO b.
func (x *execCtx) renameDomainConstraint(n *pg_query.RenameStmt) error {
	d, err := x.resolveDomain(n.Object.GetList().GetItems(), false, notADomain)
	if err != nil {
		return err
	}
	if err := x.mustOwnAs(d, "type"); err != nil {
		return err
	}
	dd := d.Type.Domain
	at := -1
	for i, c := range dd.Checks {
		if c.Name == n.Newname {
			return pgerror.Newf(pgcode.DuplicateObject, "constraint \"%s\" for domain %s already exists", n.Newname, d.Name)
		}
		if c.Name == n.Subname {
			at = i
		}
	}
	if at < 0 {
		return pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" for domain %s does not exist", n.Subname, d.Name)
	}
	dd.Checks[at].Name = n.Newname
	if err := catalog.Put(x.txn, d); err != nil {
		return err
	}
	return catalog.BumpVersion(x.txn)
}
