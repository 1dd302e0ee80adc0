package sql

import (
	"sort"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// AS OF inside a view's query: CREATE VIEW v AS SELECT ... FROM t AS OF
// TX 42 makes v read t as of tx 42 whenever v is read, and whatever point
// v itself is read at (view_asof.go). A view keeps its query as deparsed
// SQL text, and the deparser knows nothing of AS OF (the clauses are cut
// from the text before parsing, parser/timetravel.go): the clauses are
// written back into the deparsed text, after the name of the relation
// each follows, so that parsing the stored text gives them back.
//
// Only a fixed point is kept: a literal tx, or a time, which is resolved
// in the creating session's time zone and stored in UTC (the view then
// means the same instant whoever reads it, as PostgreSQL stores a view's
// timestamptz constants already read). A parameter has no value in a
// view, and a history read (FOR SYSTEM_TIME ALL, BETWEEN...) is refused.
//
// A reference with AS OF names a relation of the past, which no DDL
// since can change: it is not a dependency of the view (DROP of today's
// relation of that name leaves the view alone) and a RENAME since does
// not rewrite it (the relation had its old name then).

// viewTimeTravel takes the clauses of the statement that follow the
// relations of a view's query, marking them used, and refuses the ones a
// view cannot keep. It returns them by the location of the relation.
func (pl *planner) viewTimeTravel(q *pg_query.Node) (map[int32]*parser.TimeTravel, error) {
	out := pl.takeTimeTravel(q)
	if out == nil {
		return nil, nil
	}
	var err error
	rangeVars(q.ProtoReflect(), func(rv *pg_query.RangeVar) {
		switch tt := out[rv.Location]; {
		case tt == nil || err != nil:
		case tt.History != nil:
			err = pgerror.New(pgcode.FeatureNotSupported, "FOR SYSTEM_TIME history in a view's query is not supported").WithPosition(tt.Pos + 1)
		case tt.Param > 0:
			err = pgerror.Newf(pgcode.UndefinedParameter, "there is no parameter $%d", tt.Param).WithPosition(tt.Pos + 1)
		}
	})
	return out, err
}

// takeTimeTravel takes the clauses of the statement that follow the
// relations under q, marking them used, by the location of the relation:
// for a query that DDL plans again with planners of its own (CREATE VIEW,
// CREATE TABLE ... AS).
func (pl *planner) takeTimeTravel(q *pg_query.Node) map[int32]*parser.TimeTravel {
	if len(pl.travel) == 0 || q == nil {
		return nil
	}
	out := map[int32]*parser.TimeTravel{}
	rangeVars(q.ProtoReflect(), func(rv *pg_query.RangeVar) {
		if tt := pl.asOfFor(rv); tt != nil {
			out[rv.Location] = tt
		}
	})
	return out
}

// storedClause is a clause as a view keeps it: a tx, or a time in UTC.
func (x *execCtx) storedClause(tt *parser.TimeTravel) (string, error) {
	if !tt.Timestamp {
		if _, err := resolveAsOf(x.sess, tt); err != nil {
			return "", err
		}
		return " AS OF TX " + tt.Value, nil
	}
	d, err := types.TimestampTZType.ParseText(tt.Value, x.sess.FormatSettings())
	if err != nil {
		return "", err
	}
	ts := d.(types.TimestampTZ)
	if !ts.IsFinite() {
		return "", pgerror.Newf(pgcode.InvalidParameterValue, "AS OF TIMESTAMP %s: the time must be finite", tt.Value)
	}
	utc := time.UnixMicro(ts.UnixMicros()).UTC().Format("2006-01-02 15:04:05.999999-07")
	return " AS OF TIMESTAMP '" + utc + "'", nil
}

// deparseWithTimeTravel deparses a view's query and writes back, after
// each relation name, the clause that followed it (by the relation's
// location in the query parsed).
func (x *execCtx) deparseWithTimeTravel(q *pg_query.Node, travel map[int32]*parser.TimeTravel) (string, error) {
	text, err := parser.DeparseStatement(q)
	if err != nil || len(travel) == 0 {
		return text, err
	}
	// The n-th relation of the tree, in walk order, is the n-th of the
	// deparsed text parsed again: the trees are alike.
	var clauses []*parser.TimeTravel
	rangeVars(q.ProtoReflect(), func(rv *pg_query.RangeVar) { clauses = append(clauses, travel[rv.Location]) })
	again, err := parser.Parse(text)
	if err != nil || len(again) != 1 {
		return "", pgerror.New(pgcode.Internal, "a view's deparsed query does not parse")
	}
	type insert struct {
		at     int
		clause string
	}
	var inserts []insert
	k := 0
	rangeVars(again[0].AST.ProtoReflect(), func(rv *pg_query.RangeVar) {
		if k < len(clauses) && clauses[k] != nil && err == nil {
			var c string
			if c, err = x.storedClause(clauses[k]); err == nil {
				inserts = append(inserts, insert{at: nameEnd(text, int(rv.Location)), clause: c})
			}
		}
		k++
	})
	if err != nil {
		return "", err
	}
	if k != len(clauses) {
		return "", pgerror.New(pgcode.Internal, "a view's deparsed query has other relations than its query")
	}
	sort.Slice(inserts, func(i, j int) bool { return inserts[i].at > inserts[j].at })
	for _, in := range inserts {
		text = text[:in.at] + in.clause + text[in.at:]
	}
	return text, nil
}

// nameEnd returns the offset just past the (perhaps qualified, perhaps
// quoted) relation name that starts at from in text.
func nameEnd(text string, from int) int {
	scan, err := pg_query.Scan(text[from:])
	if err != nil || len(scan.Tokens) == 0 {
		return from
	}
	toks := scan.Tokens
	end := int(toks[0].End)
	for i := 1; i+1 < len(toks) && text[from+int(toks[i].Start):from+int(toks[i].End)] == "."; i += 2 {
		end = int(toks[i+1].End)
	}
	return from + end
}

// travelOf returns the clauses of a stored view query (parsed) by the
// location of the relation each follows.
func travelOf(stmt parser.Statement) map[int32]*parser.TimeTravel {
	if len(stmt.TimeTravel) == 0 {
		return nil
	}
	pl := &planner{}
	pl.attachTimeTravel(stmt)
	return pl.travel
}
