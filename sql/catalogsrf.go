package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Set-returning functions of one column whose values come from the
// catalog or the session (pg_partition_ancestors, pg_get_keywords's
// rows...). Each is a fixed signature and a function computing its
// values when the call runs; the planner treats them as it treats
// generate_series: in FROM, in a select list, with WITH ORDINALITY.

// catalogSetFunc is one such function.
type catalogSetFunc struct {
	args []*types.T
	// cols are the output columns (their names are PostgreSQL's OUT
	// parameters).
	cols []column
	// strict functions return no rows for a NULL argument.
	strict bool
	rows   func(x *execCtx, args []types.Datum) ([][]types.Datum, error)
	// iter, when set instead of rows, streams the rows (a function whose
	// output does not fit in memory, such as stela_log_export).
	iter func(x *execCtx, args []types.Datum) (rowIter, error)
}

// catalogSetFuncs are the functions, by name.
var catalogSetFuncs = map[string]*catalogSetFunc{}

func init() {
	// stela has no partitioning: no relation is a partition or a
	// partitioned table, and for any other relation PostgreSQL returns
	// no rows (not the relation itself). psql's \d calls it when a table
	// has foreign keys.
	catalogSetFuncs["pg_partition_ancestors"] = &catalogSetFunc{
		args:   []*types.T{types.Regclass},
		cols:   []column{{name: "relid", typ: types.Regclass}},
		strict: true,
		rows:   func(*execCtx, []types.Datum) ([][]types.Datum, error) { return nil, nil },
	}
}

// planCatalogSetFunc plans a call of a catalogSetFunc.
func (pl *planner) planCatalogSetFunc(b *expr.Builder, fc *pg_query.FuncCall, name string, f *catalogSetFunc) (planNode, error) {
	args, err := b.FuncArgs(fc)
	if err != nil {
		return nil, err
	}
	if len(args) != len(f.args) {
		return nil, errNoSetFunction(name, args, fc.Location)
	}
	for i, a := range args {
		if a.Type().Oid == f.args[i].Oid {
			continue
		}
		c, err := b.Coerce(a, f.args[i], name, fc.Location)
		if err != nil {
			if !pgerror.HasCode(err, pgcode.CannotCoerce) && !pgerror.HasCode(err, pgcode.DatatypeMismatch) {
				return nil, err // the argument's own error ('nope' names no relation)
			}
			return nil, errNoSetFunction(name, args, fc.Location)
		}
		args[i] = c
	}
	return &catalogSetNode{fn: f, args: args, columns: append([]column(nil), f.cols...)}, nil
}

// catalogSetNode runs a catalogSetFunc.
type catalogSetNode struct {
	fn      *catalogSetFunc
	args    []expr.Expr
	columns []column
}

func (n *catalogSetNode) cols() []column { return n.columns }

func (n *catalogSetNode) open(x *execCtx) (rowIter, error) {
	vals, null, err := evalSetArgs(x, n.args, n.fn.strict)
	if err != nil {
		return nil, err
	}
	if null {
		return &sliceIter{}, nil
	}
	if n.fn.iter != nil {
		return n.fn.iter(x, vals)
	}
	rows, err := n.fn.rows(x, vals)
	if err != nil {
		return nil, err
	}
	return &sliceIter{rows: rows}, nil
}

// pgKeyword is a row of pg_get_keywords() (pgcatalog_keyworddata.go,
// generated from PostgreSQL 15 by gen_keywords.sh).
type pgKeyword struct {
	word      string
	catcode   byte
	barelabel bool
	catdesc   string
	baredesc  string
}

func init() {
	// pg_get_keywords lists PostgreSQL 15's keywords, those of the
	// version whose catalogs stela serves. stela parses with pg_query,
	// PostgreSQL 16's grammar, which has these and a few more (such as
	// SYSTEM_USER and the JSON constructors').
	catalogSetFuncs["pg_get_keywords"] = &catalogSetFunc{
		cols: []column{{name: "word", typ: types.Text}, {name: "catcode", typ: types.Char},
			{name: "barelabel", typ: types.Bool}, {name: "catdesc", typ: types.Text},
			{name: "baredesc", typ: types.Text}},
		rows: func(*execCtx, []types.Datum) ([][]types.Datum, error) {
			out := make([][]types.Datum, len(pgKeywords))
			for i, k := range pgKeywords {
				out[i] = []types.Datum{k.word, dChar(k.catcode), k.barelabel, k.catdesc, k.baredesc}
			}
			return out, nil
		},
	}
}
