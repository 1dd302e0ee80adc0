package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// An outer join null-extends the items of its nullable side: their
// columns come out NULL. PostgreSQL's whole-row reference to such an item
// (SELECT t ..., row_to_json(t), count(t)) is then NULL itself, not a
// record of NULLs, which a row of real NULLs would give. To tell the two
// apart, a whole-row reference reads a witness: a column of the item that
// is never NULL in the item's own rows (column.neverNull). A table has
// one, its first primary-key column; any other item on a nullable side
// (a subquery, VALUES, a function, a WITH query, a view) is given a
// hidden constant one here, before the join null-extends it. An aliased
// join is the exception: PostgreSQL expands its whole-row reference to
// ROW(...) of its columns, a record of NULLs where it is null-extended.

// addWitnesses gives the items of an outer join's nullable side the
// witnesses they lack.
func addWitnesses(items []*fromItem) {
	for _, it := range items {
		addWitness(it)
	}
}

// addWitness appends a constant, hidden, nameless witness column to an
// item for each table among its columns that has no neverNull column. A
// nested outer join's item already has witnesses for the tables it
// null-extends; the tables it lacks them for are never NULL in its rows.
// A table scan (node not yet built) always has its key column.
func addWitness(it *fromItem) {
	tables := witnessless(it.cols)
	if len(tables) == 0 || it.node == nil {
		return
	}
	all := make([]int, len(it.cols))
	for i := range all {
		all[i] = i
	}
	p := passColumns(it.node, it.cols, all)
	for _, t := range tables {
		p.exprs = append(p.exprs, &expr.Const{T: types.Bool, V: true})
		p.columns = append(p.columns, column{table: t, typ: types.Bool, hidden: true, qualifiedOnly: true, neverNull: true})
	}
	it.node, it.cols = p, p.columns
}

// witnessless returns the tables, in order, among cols that have no
// neverNull column, but join aliases.
func witnessless(cols []column) []string {
	var tables []string
	has := map[string]bool{}
	for _, c := range cols {
		if c.table == "" || c.joinAlias {
			continue
		}
		seen, ok := has[c.table]
		if !ok {
			tables = append(tables, c.table)
		}
		has[c.table] = seen || c.neverNull
	}
	out := tables[:0]
	for _, t := range tables {
		if !has[t] {
			out = append(out, t)
		}
	}
	return out
}

// joinAliasColumns renames a join's columns by its alias. None of the
// joined items' witnesses says whether the join's row is there, and the
// alias gets none (column.joinAlias).
func joinAliasColumns(in []column, alias *pg_query.Alias) ([]column, error) {
	cols, err := aliasColumns(in, alias.Aliasname, alias)
	for i := range cols {
		cols[i].neverNull, cols[i].joinAlias = false, true
	}
	return cols, err
}
