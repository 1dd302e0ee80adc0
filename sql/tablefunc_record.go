package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Functions returning records (json_to_record and its kin,
// expr/json_to_record.go) in FROM: the column definition list after the
// alias (AS x(a int, b text)) says what their records hold. As in
// PostgreSQL, such a function needs the list, and the list is allowed
// only after such a function.

// recordFuncNode is one call with its column definition list, or one
// call of json_populate_record and its kin, whose base argument's row
// type says what the records hold.
type recordFuncNode struct {
	fn      *expr.JSONRecordFunc
	arg     expr.Expr
	base    expr.Expr // json_populate_*'s base; nil for json_to_*
	defs    []expr.RecordColumn
	columns []column
	domains []*expr.DomainChecker // per column; nil for none
}

// recordFunction plans fn (a function call) with the column definition
// list coldefs, which may be empty: the errors then say which of the two
// is missing.
func (pl *planner) recordFunction(b *expr.Builder, fn *pg_query.Node, coldefs []*pg_query.Node) (planNode, string, bool, error) {
	fc := fn.GetFuncCall()
	name := fromFuncName(fc)
	if pf, ok := expr.PopulateFunction(name); ok {
		n, err := pl.populateFunction(b, pf, fc, coldefs)
		return n, name, err == nil, err
	}
	rf, isRecord := expr.RecordFunction(name)
	switch {
	case !isRecord && len(coldefs) == 0:
		return nil, "", false, nil
	case !isRecord:
		return nil, "", false, pgerror.New(pgcode.Syntax, `a column definition list is only allowed for functions returning "record"`).
			WithPosition(int(coldefs[0].GetColumnDef().GetLocation()) + 1)
	case len(coldefs) == 0:
		return nil, "", false, pgerror.New(pgcode.Syntax, `a column definition list is required for functions returning "record"`).
			WithPosition(int(fc.Location) + 1)
	}
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, "", false, err
	}
	arg, err := rf.Arg(b, args, fc.Location)
	if err != nil {
		return nil, "", false, err
	}
	if arg, err = b.Finish(arg); err != nil {
		return nil, "", false, err
	}
	n := &recordFuncNode{fn: rf, arg: arg}
	seen := map[string]bool{}
	for _, c := range coldefs {
		cd := c.GetColumnDef()
		if seen[cd.Colname] {
			return nil, "", false, pgerror.Newf(pgcode.DuplicateColumn, "column name \"%s\" specified more than once", cd.Colname)
		}
		seen[cd.Colname] = true
		t, err := expr.TypeFromNameIn(cd.TypeName, userTypeHook(pl.txn, pl.s))
		if err != nil {
			return nil, "", false, err
		}
		ck, err := b.DomainCheckerFor(t)
		if err != nil {
			return nil, "", false, err
		}
		n.defs = append(n.defs, expr.RecordColumn{Name: cd.Colname, Type: t})
		n.columns = append(n.columns, column{name: cd.Colname, typ: t})
		n.domains = append(n.domains, ck)
	}
	return n, name, true, nil
}

func (n *recordFuncNode) cols() []column { return n.columns }

func (n *recordFuncNode) open(x *execCtx) (rowIter, error) {
	d, err := x.eval(n.arg, nil)
	if err != nil {
		return nil, err
	}
	var rows [][]types.Datum
	if n.base != nil {
		rows, err = n.populate(x, d)
	} else {
		rows, err = n.fn.Rows(d, n.defs, x.sess.FormatSettings())
	}
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if err := n.checkDomains(x, row); err != nil {
			return nil, err
		}
	}
	return &sliceIter{rows: rows}, nil
}

// checkDomains checks a row's values of domain columns, as the
// conversion to a domain does in PostgreSQL.
func (n *recordFuncNode) checkDomains(x *execCtx, row []types.Datum) error {
	for i, ck := range n.domains {
		if ck == nil {
			continue
		}
		if err := ck.Check(x.ec, row[i]); err != nil {
			return evalError(x.ctx, err)
		}
	}
	return nil
}
