package sql

import (
	"sort"

	"github.com/stela-db/stela/sql/types"
)

// pg_prepared_statements and pg_cursors: the session's own prepared
// statements and SQL cursors, as PostgreSQL shows them.
//
// pg_prepared_statements lists the statements of SQL PREPARE (from_sql
// true) and the named statements of the protocol's Parse (from_sql
// false; the unnamed one is not listed, as in PostgreSQL). stela plans a
// statement once, without its parameters' values, and runs that plan at
// every execution: each execution is a generic plan in PostgreSQL's
// terms, so generic_plans counts the executions and custom_plans is 0.
// (PostgreSQL makes custom plans for the first five executions of a
// statement with parameters.)
//
// pg_cursors lists the cursors of DECLARE and, as PostgreSQL does, the
// portals of the protocol's Bind (the one running the query included),
// but not the portals of simple Query messages. is_scrollable
// is what stela does: PostgreSQL makes a cursor declared with neither
// SCROLL nor NO SCROLL scrollable when its plan can run backward, while
// stela treats every such cursor as NO SCROLL (cursor.go), so it shows
// false for them.

func init() {
	addVtable("pg_prepared_statements", 12095, 'v', `name text, statement text,
		prepare_time timestamp with time zone, parameter_types regtype[], from_sql boolean,
		generic_plans bigint, custom_plans bigint`, pgPreparedStatementsRows)
	addVtable("pg_cursors", 12077, 'v', `name text, statement text, is_holdable boolean,
		is_binary boolean, is_scrollable boolean, creation_time timestamp with time zone`, pgCursorsRows)
}

func pgPreparedStatementsRows(c *vctx) ([][]types.Datum, error) {
	s := c.x.sess
	var out [][]types.Datum
	add := func(name string, p *Prepared, fromSQL bool) {
		params := make([]types.Datum, len(p.ParamTypes))
		for i, t := range p.ParamTypes {
			params[i] = dReg(t.Oid, formatType(t, false))
		}
		out = append(out, []types.Datum{name, p.SourceText(), tsOrNull(p.prepareTime), types.NewArray(params),
			fromSQL, p.runs, int64(0)})
	}
	for name, p := range s.stmts {
		add(name, p, true)
	}
	if s.Wire != nil {
		for name, p := range s.Wire.Statements() {
			add(name, p, false)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].(string) < out[j][0].(string) })
	return out, nil
}

func pgCursorsRows(c *vctx) ([][]types.Datum, error) {
	var out [][]types.Datum
	for _, cur := range c.x.sess.cursors {
		out = append(out, []types.Datum{cur.name, cur.sql, cur.hold, cur.binary, cur.scroll,
			tsOrNull(cur.created)})
	}
	if w := c.x.sess.Wire; w != nil {
		// A portal of Bind is never holdable nor scrollable (PostgreSQL
		// makes it NO SCROLL), and its binary results are a matter of the
		// Bind's formats, not of the BINARY cursor option.
		for _, p := range w.Portals() {
			out = append(out, []types.Datum{p.Name, p.Statement, false, false, false, tsOrNull(p.Created)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0].(string) < out[j][0].(string) })
	return out, nil
}
