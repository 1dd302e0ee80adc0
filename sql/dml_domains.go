package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// A table writer checks the values written to columns of a domain type
// against the domain's constraints (NOT NULL, CHECK), and each element
// of an array of a domain, each field of a composite type of one:
// INSERT, UPDATE, COPY FROM, ON CONFLICT DO UPDATE and MERGE all write
// through it. An omitted column of a domain type takes the domain's
// default (dml_defaults.go), or NULL, which a NOT NULL domain then
// refuses, as PostgreSQL does.

// domainCheckers builds the checkers of w's columns of domain types.
func (pl *planner) domainCheckers(w *tableWriter) error {
	t := w.desc.Table
	var b *expr.Builder
	for i := range t.Columns {
		c := &t.Columns[i]
		typ := c.Type()
		if c.Dropped || typ == nil || !typ.HoldsDomain() {
			continue // most columns: no builder made for them
		}
		if b == nil {
			b = pl.builder(nil, "check constraint")
		}
		ck, err := b.DomainCheckerFor(typ)
		if err != nil {
			return err
		}
		if ck == nil {
			continue
		}
		if w.domains == nil {
			w.domains = make([]*expr.DomainChecker, len(t.Columns))
		}
		w.domains[i] = ck
	}
	return nil
}

// checkDomains checks a row's values against their columns' domains; an
// update (old not nil) checks only the values it changes.
func (w *tableWriter) checkDomains(x *execCtx, row, old []types.Datum) error {
	for i, ck := range w.domains {
		if ck == nil {
			continue
		}
		if old != nil && sameDatum(w.layout.Types[i], old[i], row[i]) {
			continue
		}
		if err := ck.Check(x.ec, row[i]); err != nil {
			return evalError(x.ctx, err)
		}
	}
	return nil
}

// sameDatum reports whether two values of type t are equal, NULLs
// included.
func sameDatum(t *types.T, a, b types.Datum) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return types.Compare(t, a, b) == 0
}
