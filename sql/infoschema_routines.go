package sql

import (
	"strconv"

	"github.com/stela-db/stela/sql/types"
)

// information_schema.routines: the functions users created (CREATE
// FUNCTION), one row each, as PostgreSQL's view describes a SQL
// function. PostgreSQL lists its built-in functions too; stela does not
// list its built-ins here. Every user sees every function, as EXECUTE
// belongs to PUBLIC by default; the body (routine_definition) only to
// those who have the owner's role, as PostgreSQL's view shows it.

// routineColumns is the number of the view's columns.
const routineColumns = 82

func infoRoutinesRows(c *vctx) ([][]types.Datum, error) {
	n, _, err := c.infoNames()
	if err != nil {
		return nil, err
	}
	procs, err := userProcs(c.txn)
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, p := range procs {
		schema, ok := n.schemas[p.d.Schema]
		if !ok {
			continue
		}
		t, err := typeByOidIn(c.txn, p.d.Function.ResultOid)
		if err != nil {
			return nil, err
		}
		f := describeType(t, n.db)
		row := make([]types.Datum, routineColumns)
		specific := p.d.Name + "_" + strconv.FormatUint(uint64(p.d.ID), 10)
		copy(row, []types.Datum{n.db, schema, specific, n.db, schema, p.d.Name, "FUNCTION"})
		row[13] = f.dataType
		row[28], row[29], row[30] = n.db, f.udtSchema, f.udtName
		row[35] = "0"
		row[36] = "SQL"
		if n.owns(p.d) {
			row[37] = p.row.src
		}
		row[39], row[40] = "SQL", "GENERAL"
		row[41] = yesNo(p.d.Function.Volatility == "i")
		row[42] = "MODIFIES"
		row[43] = yesNo(p.d.Function.Strict)
		row[45], row[46] = "YES", dInt(0)
		row[49], row[53], row[57] = "INVOKER", "NO", "NO"
		out = append(out, row)
	}
	return out, nil
}
