package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// json_populate_record, json_populate_recordset and their jsonb twins
// as rows (expr/json_populate_record.go): in FROM, where the row type of
// their base argument gives the item's columns, as for any function
// returning a named composite type, and, for the *_recordset forms, in
// a select list, where each row is one record of that type (srf.go).

// populateFunction plans a call of one of the four functions.
func (pl *planner) populateFunction(b *expr.Builder, pf *expr.JSONRecordFunc, fc *pg_query.FuncCall, coldefs []*pg_query.Node) (*recordFuncNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	base, arg, err := pf.PopulateArgs(b, args, fc.Location)
	if err != nil {
		return nil, err
	}
	if base, err = b.Finish(base); err != nil {
		return nil, err
	}
	if arg, err = b.Finish(arg); err != nil {
		return nil, err
	}
	t := base.Type()
	switch {
	case t.Family == types.RecordFamily && t.Row == nil && len(coldefs) == 0:
		return nil, pgerror.New(pgcode.Syntax, `a column definition list is required for functions returning "record"`).
			WithPosition(int(fc.Location) + 1)
	case t.Family == types.RecordFamily && t.Row == nil:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s of an anonymous record with a column definition list is not supported", pf.Name).
			WithPosition(int(fc.Location) + 1)
	case t.Row != nil && len(coldefs) > 0:
		return nil, pgerror.New(pgcode.Syntax, "a column definition list is redundant for a function returning a named composite type").
			WithPosition(int(coldefs[0].GetColumnDef().GetLocation()) + 1)
	case len(coldefs) > 0:
		return nil, pgerror.New(pgcode.Syntax, `a column definition list is only allowed for functions returning "record"`).
			WithPosition(int(coldefs[0].GetColumnDef().GetLocation()) + 1)
	}
	n := &recordFuncNode{fn: pf, arg: arg, base: base, defs: expr.FieldColumns(t)}
	for _, f := range t.Fields {
		ck, err := b.DomainCheckerFor(f.T)
		if err != nil {
			return nil, err
		}
		n.columns = append(n.columns, column{name: f.Name, typ: f.T})
		n.domains = append(n.domains, ck)
	}
	return n, nil
}

// populate computes the rows of a json_populate_* call for the JSON
// value d.
func (n *recordFuncNode) populate(x *execCtx, d types.Datum) ([][]types.Datum, error) {
	base, err := x.eval(n.base, nil)
	if err != nil {
		return nil, err
	}
	if err := n.fn.CheckRowType(n.base.Type()); err != nil {
		return nil, err
	}
	rows, _, err := n.fn.PopulateRows(base, d, n.defs, x.sess.FormatSettings())
	return rows, err
}

// rowType is the type of the records a json_populate_*set call returns
// in a select list; nil for the other calls.
func (n *recordFuncNode) rowType() *types.T {
	if n.base == nil {
		return nil
	}
	return n.base.Type()
}
