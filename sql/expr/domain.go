package expr

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Checking the values of domains (types/domain.go). A domain's value is
// its base type's, so most of the evaluator never sees the domain; it
// is checked where PostgreSQL coerces to it: an explicit cast
// ('5'::posint, DomainCoerce) and a write to a column of the domain
// (the table writer, through DomainChecker). The constraints of the
// innermost domain go first, each domain's NOT NULL before its CHECKs,
// which go by name, as PostgreSQL orders them.

// DomainChecker checks values of one type against the constraints of
// the domains it is of: a domain, an array whose elements are of one, or
// a composite type with a field of one (at any depth: PostgreSQL's
// record input and record casts coerce each field to its type, domain
// checks included). What a value holds is checked before the value's
// own domain's constraints, as PostgreSQL coerces the parts first.
type DomainChecker struct {
	// name is the domain coerced to, which PostgreSQL's errors name
	// whichever of its domains' constraints fails.
	name string
	// schema and bare are the domain's schema and own name, which the
	// errors carry as their object (pgerror/objects.go).
	schema, bare string
	cons         []domainConstraint
	// elem checks an array's elements, fields a record's fields (nil
	// for a field with nothing to check); nil when there are none.
	elem   *DomainChecker
	fields []*DomainChecker
}

type domainConstraint struct {
	// name is a CHECK's, check its expression (VALUE is column 0); nil
	// for NOT NULL.
	name  string
	check Expr
}

// DomainCheckerFor returns the checker of values of t, nil when no value
// of t can break a domain's constraint.
func (b *Builder) DomainCheckerFor(t *types.T) (*DomainChecker, error) {
	if !t.HoldsDomain() {
		return nil, nil // every explicit cast asks
	}
	c := &DomainChecker{}
	base := t.StripDomain()
	if base.Elem != nil {
		ec, err := b.DomainCheckerFor(base.Elem)
		if err != nil {
			return nil, err
		}
		c.elem = ec
	}
	for i, f := range base.Fields {
		fc, err := b.DomainCheckerFor(f.T)
		if err != nil {
			return nil, err
		}
		if fc != nil {
			if c.fields == nil {
				c.fields = make([]*DomainChecker, len(base.Fields))
			}
			c.fields[i] = fc
		}
	}
	if t.Domain != nil {
		c.name = t.Domain.Name
		c.schema, c.bare = t.Domain.SchemaName, t.Domain.Name
		// Errors name the domain as format_type does: qualified when
		// the search path would not find it by its bare name.
		if b.UserType != nil {
			if vis, ok, err := b.UserType("", c.name); err == nil && (!ok || vis == nil || vis.Oid != t.Oid) {
				c.name = t.Domain.SchemaName + "." + c.name
			}
		}
	}
	for _, d := range t.Domains() {
		if d.NotNull {
			c.cons = append(c.cons, domainConstraint{})
		}
		for _, ck := range d.Checks {
			e, err := b.DomainCheckExpr(d.Base, ck.Expr)
			if err != nil {
				return nil, err
			}
			c.cons = append(c.cons, domainConstraint{name: ck.Name, check: e})
		}
	}
	if len(c.cons) == 0 && c.elem == nil && c.fields == nil {
		return nil, nil
	}
	return c, nil
}

// DomainCheckExpr builds a domain's CHECK expression: VALUE is column 0,
// of the domain's base type; no other column exists, nor do subqueries,
// aggregates or parameters.
func (b *Builder) DomainCheckExpr(base *types.T, text string) (Expr, error) {
	n, err := parser.ParseExpr(text)
	if err != nil {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "domain check constraint \"%s\" does not parse", text)
	}
	return b.DomainCheckNode(base, n)
}

// DomainCheckNode builds a parsed domain CHECK expression (CREATE
// DOMAIN, ALTER DOMAIN ADD CONSTRAINT).
func (b *Builder) DomainCheckNode(base *types.T, n *pg_query.Node) (Expr, error) {
	cb := &Builder{Params: &ParamTypes{NoParams: true}, Session: b.Session, Scope: valueScope{base}, Extension: b.Extension, UserType: b.UserType, Clause: "check constraint"}
	return cb.BuildAs(n, types.Bool, "check constraint")
}

// valueScope is the one column of a domain's CHECK: VALUE.
type valueScope struct{ t *types.T }

func (s valueScope) Column(names []string, loc int32) (Expr, error) {
	if len(names) == 1 && names[0] == "value" {
		return &ColRef{Idx: 0, T: s.t, Name: "value"}, nil
	}
	return nil, at(pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", names[len(names)-1]), loc)
}

// Check returns the error of the first constraint v breaks, nil when it
// breaks none.
func (c *DomainChecker) Check(ctx *Context, v types.Datum) error {
	if c == nil {
		return nil
	}
	switch p := v.(type) {
	case *types.Array:
		if c.elem != nil {
			for _, e := range p.Elems {
				if err := c.elem.Check(ctx, e); err != nil {
					return err
				}
			}
		}
	case *types.Record:
		for i, fc := range c.fields {
			if i < len(p.Values) {
				if err := fc.Check(ctx, p.Values[i]); err != nil {
					return err
				}
			}
		}
	}
	var sub *Context
	for _, k := range c.cons {
		if k.check == nil {
			if v == nil {
				return pgerror.Newf(pgcode.NotNullViolation, "domain %s does not allow null values", c.name).WithDataType(c.schema, c.bare)
			}
			continue
		}
		if sub == nil {
			cp := *ctx
			cp.Row, cp.Outer = []types.Datum{v}, nil
			sub = &cp
		}
		r, err := k.check.Eval(sub)
		if err != nil {
			return err
		}
		if r == false {
			return pgerror.Newf(pgcode.CheckViolation, "value for domain %s violates check constraint \"%s\"", c.name, k.name).WithDataType(c.schema, c.bare).WithConstraint(k.name)
		}
	}
	return nil
}

// DomainCoerce is an explicit cast to a domain: the cast to the base
// type, then the domain's checks.
type DomainCoerce struct {
	Arg     Expr
	T       *types.T
	Checker *DomainChecker
}

func (d *DomainCoerce) Type() *types.T { return d.T }

func (d *DomainCoerce) Eval(ctx *Context) (types.Datum, error) {
	v, err := d.Arg.Eval(ctx)
	if err != nil {
		return nil, err
	}
	if err := d.Checker.Check(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

// coerceDomain wraps an explicit cast to a domain in its checks.
func (b *Builder) coerceDomain(e Expr, to *types.T) (Expr, error) {
	c, err := b.DomainCheckerFor(to)
	if err != nil || c == nil {
		return e, err
	}
	return &DomainCoerce{Arg: e, T: to, Checker: c}, nil
}
