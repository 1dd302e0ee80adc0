package types

// Domains (CREATE DOMAIN): a base type with constraints. A domain's *T
// is a copy of its base type's, modifier included, with Domain set: the
// evaluator, the row and key encodings, ORDER BY and the wire see the
// base type (PostgreSQL, too, sends a domain column's base type in
// RowDescription), and stored bytes are the base type's, so the log
// reads without the catalog. Only assignment to a column and explicit
// casts look at Domain, to check the value (sql/expr/domain.go).
//
// A domain over a domain copies the innermost base type and keeps the
// inner domain as its Base, whose constraints are checked first.

// DomainDef is what a domain type adds to its base type: its pg_type row
// and its constraints.
type DomainDef struct {
	// Oid is the domain's pg_type.oid, ArrayOid its array type's.
	Oid, ArrayOid Oid
	// Schema is the Oid of the domain's schema, SchemaName its name.
	Schema     Oid
	SchemaName string
	Name       string
	// Base is the type the domain was declared over (typbasetype with
	// typtypmod): a built-in or user type, or another domain.
	Base *T
	// NotNull is typnotnull: NULL is not a value of the domain.
	NotNull bool
	// Default is the SQL text of the domain's default ("" none).
	Default string
	// Checks are the domain's CHECK constraints, sorted by name, the
	// order PostgreSQL applies them in.
	Checks []DomainCheck
}

// DomainCheck is one CHECK constraint of a domain: Expr is its SQL text,
// in which VALUE stands for the value checked.
type DomainCheck struct {
	Name string
	Expr string
}

// NewDomain returns the type of a domain over base.
func NewDomain(base *T, def *DomainDef) *T {
	def.Base = base
	t := *base
	t.Domain = def
	t.ArrayOid = def.ArrayOid
	return &t
}

// Domains returns the domains t is of, the innermost first: the order
// their constraints are checked in. It is nil for a type that is not a
// domain.
func (t *T) Domains() []*DomainDef {
	var out []*DomainDef
	for d := t.Domain; d != nil; d = d.Base.Domain {
		out = append(out, d)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// HoldsDomain reports whether a value of t is or holds a value of a
// domain: t is a domain, or an array or composite type over one.
func (t *T) HoldsDomain() bool {
	if t.Domain != nil {
		return true
	}
	if t.Elem != nil {
		return t.Elem.HoldsDomain()
	}
	for _, f := range t.Fields {
		if f.T.HoldsDomain() {
			return true
		}
	}
	return false
}

// StripDomain returns the type a domain is over, through domains over
// domains (with the modifier the innermost was declared with); t itself
// when t is not a domain.
func (t *T) StripDomain() *T {
	for t.Domain != nil {
		t = t.Domain.Base
	}
	return t
}
