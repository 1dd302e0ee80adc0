package sql

import "github.com/stela-db/stela/sql/types"

// pg_aggregate: PostgreSQL 15's rows (pgcatalog_aggdata.go, made by
// sql/testdata/pgcatalog/gen_aggregates.sh) for the aggregates pg_proc
// serves. The support functions they name (int4_sum, numeric_avg_accum,
// ...) are PostgreSQL's internals, which stela does not expose as SQL
// functions: their regproc values print PostgreSQL's names, but pg_proc
// has no row for them.

// procRef is a regproc value: an OID and the name it prints.
type procRef struct {
	oid  uint32
	name string
}

// pgAggregateRow is one generated row: fn is aggfnoid (named as
// PostgreSQL's regproc prints it, qualified when overloaded); fns are aggtransfn, aggfinalfn,
// aggcombinefn, aggserialfn, aggdeserialfn, aggmtransfn, aggminvtransfn
// and aggmfinalfn.
type pgAggregateRow struct {
	fn                        procRef
	kind                      byte
	numDirectArgs             int
	fns                       [8]procRef
	finalExtra, mfinalExtra   bool
	finalModify, mfinalModify byte
	sortop, transtype         uint32
	transspace                int
	mtranstype                uint32
	mtransspace               int
	initval, minitval         any
}

func init() {
	addVtable("pg_aggregate", 2600, 'r', `aggfnoid regproc, aggkind "char", aggnumdirectargs smallint,
		aggtransfn regproc, aggfinalfn regproc, aggcombinefn regproc, aggserialfn regproc,
		aggdeserialfn regproc, aggmtransfn regproc, aggminvtransfn regproc, aggmfinalfn regproc,
		aggfinalextra boolean, aggmfinalextra boolean, aggfinalmodify "char", aggmfinalmodify "char",
		aggsortop oid, aggtranstype oid, aggtransspace integer, aggmtranstype oid, aggmtransspace integer,
		agginitval text, aggminitval text`, pgAggregateRowsOf)
}

func pgAggregateRowsOf(*vctx) ([][]types.Datum, error) {
	var out [][]types.Datum
	for i := range pgAggregateRows {
		r := &pgAggregateRows[i]
		if procByOID(r.fn.oid) == nil {
			continue // an overload stela does not implement
		}
		row := []types.Datum{dReg(r.fn.oid, r.fn.name), dChar(r.kind), dInt(r.numDirectArgs)}
		for _, f := range r.fns {
			row = append(row, dReg(f.oid, f.name))
		}
		row = append(row, dBool(r.finalExtra), dBool(r.mfinalExtra), dChar(r.finalModify), dChar(r.mfinalModify),
			dOid(r.sortop), dOid(r.transtype), dInt(r.transspace), dOid(r.mtranstype), dInt(r.mtransspace),
			r.initval, r.minitval)
		out = append(out, row)
	}
	return out, nil
}
