package sql

import (
	"math"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// The statistics views (pg_stat_all_tables, pg_stat_user_tables,
// pg_statio_user_tables) and the pg_stat_get_* functions clients read
// them through. stela keeps no activity counters: it does not count
// scans, tuples read, fetched, inserted, updated or deleted, nor block
// reads and hits, so those columns are NULL (unknown), not 0, which
// would claim that nothing happened. What it does know:
//
//	n_live_tup     the planner's row count (engine.EstimateRows): exact
//	               once counted (at once for a table of up to 10,000 rows,
//	               by a background scan for a larger one, which is
//	               guessed from its size on disk until then), and kept
//	               up to date by every commit
//	n_dead_tup     0: no row version is ever garbage, every one stays
//	               readable by AS OF
//	last_analyze,  when ANALYZE last counted the table since the server
//	analyze_count  started, and how many times (analyze.go)
//	the others     NULL, and their counts 0: VACUUM has nothing to do in
//	of last_*      stela (analyze.go), and nothing runs on its own
//
// pg_catalog's own relations appear in pg_stat_all_tables with every
// counter unknown.

func init() {
	const statCols = `relid oid, schemaname name, relname name, seq_scan bigint, seq_tup_read bigint,
		idx_scan bigint, idx_tup_fetch bigint, n_tup_ins bigint, n_tup_upd bigint, n_tup_del bigint,
		n_tup_hot_upd bigint, n_live_tup bigint, n_dead_tup bigint, n_mod_since_analyze bigint,
		n_ins_since_vacuum bigint, last_vacuum timestamp with time zone,
		last_autovacuum timestamp with time zone, last_analyze timestamp with time zone,
		last_autoanalyze timestamp with time zone, vacuum_count bigint, autovacuum_count bigint,
		analyze_count bigint, autoanalyze_count bigint`
	addVtable("pg_stat_all_tables", 12142, 'v', statCols, func(c *vctx) ([][]types.Datum, error) {
		return pgStatTablesRows(c, true)
	})
	addVtable("pg_stat_user_tables", 12161, 'v', statCols, func(c *vctx) ([][]types.Datum, error) {
		return pgStatTablesRows(c, false)
	})
	addVtable("pg_statio_user_tables", 12179, 'v', `relid oid, schemaname name, relname name,
		heap_blks_read bigint, heap_blks_hit bigint, idx_blks_read bigint, idx_blks_hit bigint,
		toast_blks_read bigint, toast_blks_hit bigint, tidx_blks_read bigint, tidx_blks_hit bigint`, pgStatioRows)

	oid, i8 := []*types.T{types.OidType}, types.Int8
	unknown := func(*expr.Context, []types.Datum) (types.Datum, error) { return nil, nil }
	// Per-relation counters stela does not keep (see above).
	for _, name := range []string{"pg_stat_get_numscans", "pg_stat_get_tuples_returned",
		"pg_stat_get_tuples_fetched", "pg_stat_get_tuples_inserted", "pg_stat_get_tuples_updated",
		"pg_stat_get_tuples_deleted", "pg_stat_get_blocks_fetched", "pg_stat_get_blocks_hit"} {
		expr.AddFunc(name, oid, i8, true, unknown)
	}
	expr.AddFunc("pg_stat_get_live_tuples", oid, i8, true, func(c *expr.Context, a []types.Datum) (types.Datum, error) {
		x, err := execOf(c)
		if err != nil {
			return nil, err
		}
		d, err := catalog.Get(x.txn, uint32(a[0].(int64)))
		if err != nil || d == nil || d.Kind != catalog.KindTable {
			return int64(0), err // PostgreSQL: 0 for a relation without statistics
		}
		return liveTuples(&vctx{x: x, txn: x.txn}, d), nil
	})
	expr.AddFunc("pg_stat_get_dead_tuples", oid, i8, true, func(*expr.Context, []types.Datum) (types.Datum, error) {
		return int64(0), nil
	})
	// stela has no partitioned tables: NULL, PostgreSQL's answer for any
	// other relation.
	expr.AddFunc("pg_get_partkeydef", oid, types.Text, true, unknown)
}

// liveTuples is a table's n_live_tup.
func liveTuples(c *vctx, d *catalog.Descriptor) types.Datum {
	return int64(math.Round(c.x.sess.db.DB.EstimateRows(catalog.Layout(d))))
}

func pgStatTablesRows(c *vctx, all bool) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	row := func(oid uint32, schema, name string, live, dead, zero types.Datum) []types.Datum {
		return []types.Datum{dOid(oid), schema, name, nil, nil, nil, nil, nil, nil, nil, nil, live, dead, nil, nil,
			nil, nil, nil, nil, zero, zero, zero, zero}
	}
	const lastAnalyze, analyzeCount = 17, 21
	if all {
		for _, name := range vtableNames() {
			if vt := vtables[name]; vt.kind == 'r' {
				out = append(out, row(vt.oid, "pg_catalog", vt.name, nil, nil, nil))
			}
		}
	}
	for _, d := range descs {
		if d.Kind == catalog.KindTable {
			r := row(d.ID, schemas[d.Schema], d.Name, liveTuples(c, d), int64(0), int64(0))
			if at, n, _ := c.x.txn.Analyzed(catalog.Layout(d)); n > 0 {
				r[lastAnalyze], r[analyzeCount] = types.TimestampTZFromTime(at), n
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func pgStatioRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind == catalog.KindTable {
			out = append(out, []types.Datum{dOid(d.ID), schemas[d.Schema], d.Name, nil, nil, nil, nil, nil, nil, nil, nil})
		}
	}
	return out, nil
}

// pg_stats: the column statistics ANALYZE gathered (engine/colstats.go),
// for the tables the session can see; a table appears once ANALYZE ran on
// it (its statistics are kept across restarts). most_common_vals and histogram_bounds are
// anyarray values: arrays of the column's type (NULL for a column that
// is itself an array, whose values stela cannot nest in one). stela
// gathers no statistics of array elements: the most_common_elem columns
// and elem_count_histogram are NULL.
func init() {
	addVtable("pg_stats", 12053, 'v', `schemaname name, tablename name, attname name, inherited boolean,
		null_frac real, avg_width integer, n_distinct real, most_common_vals anyarray,
		most_common_freqs real[], histogram_bounds anyarray, correlation real,
		most_common_elems anyarray, most_common_elem_freqs real[], elem_count_histogram real[]`, pgStatsRows)
}

func pgStatsRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindTable {
			continue
		}
		_, _, stats := c.x.txn.Analyzed(catalog.Layout(d))
		for i, col := range d.Table.Columns {
			if col.Dropped || col.Hidden || i >= len(stats) || stats[i].T == nil {
				continue
			}
			s := &stats[i]
			var mcv, freqs, hist, corr types.Datum
			if len(s.MCV) > 0 {
				mcv = anyArrayOf(col.Type(), s.MCV)
				f := make([]types.Datum, len(s.MCVFreqs))
				for k, x := range s.MCVFreqs {
					f[k] = float4(x)
				}
				freqs = types.NewArray(f)
			}
			if len(s.Histogram) > 0 {
				hist = anyArrayOf(col.Type(), s.Histogram)
			}
			if s.HasCorrelation {
				corr = float4(s.Correlation)
			}
			out = append(out, []types.Datum{schemas[d.Schema], d.Name, col.Name, false,
				float4(s.NullFrac), int64(s.AvgWidth), float4(s.NDistinct), mcv, freqs, hist, corr, nil, nil, nil})
		}
	}
	return out, nil
}

// float4 rounds f to a real's precision, as pg_statistic stores it.
func float4(f float64) types.Datum { return float64(float32(f)) }

// anyArrayOf returns vals as an anyarray of t's array type, or NULL when
// t has none.
func anyArrayOf(t *types.T, vals []types.Datum) types.Datum {
	at, ok := types.ArrayOf(t)
	if !ok {
		return nil
	}
	return types.AnyArray{T: at, A: types.NewArray(vals)}
}
