package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/types"
)

// pg_sequences, PostgreSQL's view over pg_sequence with each sequence's
// state, and pg_matviews, over the materialized views (ddl_matview.go).

func init() {
	addVtable("pg_sequences", 12048, 'v', `schemaname name, sequencename name, sequenceowner name,
		data_type regtype, start_value bigint, min_value bigint, max_value bigint, increment_by bigint,
		cycle boolean, cache_size bigint, last_value bigint`, pgSequencesRows)
	addVtable("pg_matviews", 12038, 'v', `schemaname name, matviewname name, matviewowner name,
		tablespace name, hasindexes boolean, ispopulated boolean, definition text`, pgMatviewsRows)
}

// pgMatviewsRows: the definition is the query as written, as pg_views'
// is.
func pgMatviewsRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.IsMatView() {
			def, err := c.at().shownText(d.View.Query, true)
			if err != nil {
				return nil, err
			}
			out = append(out, []types.Datum{schemas[d.Schema], d.Name, ownerName(d), nil,
				dBool(len(catalog.NamedIndexes(d.Table)) > 0), dBool(d.MatView.Populated), def})
		}
	}
	return out, nil
}

// pgSequencesRows: last_value is the last value any session was handed
// (engine.DB.LastValue), NULL before the first nextval. Sequences hand
// out one value at a time as seen by clients, so cache_size is 1, as
// pg_sequence.seqcache shows.
func pgSequencesRows(c *vctx) ([][]types.Datum, error) {
	descs, schemas, err := c.allWithSchemas()
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, d := range descs {
		if d.Kind != catalog.KindSequence {
			continue
		}
		s := d.Sequence
		typ, _ := types.ByOid(s.TypeOid)
		var last types.Datum
		v, ok, err := c.x.sess.db.DB.LastValue(seqParams(d))
		if err != nil {
			return nil, err
		}
		if ok {
			last = v
		}
		out = append(out, []types.Datum{schemas[d.Schema], d.Name, ownerName(d), dReg(s.TypeOid, formatType(typ, false)),
			s.Start, s.Min, s.Max, s.Increment, s.Cycle, int64(1), last})
	}
	return out, nil
}
