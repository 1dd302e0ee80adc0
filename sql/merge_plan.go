package sql

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// MERGE is planned as PostgreSQL 15 transforms it: the source joined to
// the target on the join condition (a LEFT JOIN when a WHEN NOT MATCHED
// clause needs the source rows without a partner, an inner join
// otherwise), then each WHEN clause over the joined row. A WHEN MATCHED
// clause sees the target and the source, a WHEN NOT MATCHED clause the
// source only. The actions write through the target's tableWriter, as
// INSERT, UPDATE and DELETE do, so every constraint holds the same way.

func (pl *planner) planMerge(p *Prepared, n *pg_query.MergeStmt) (plan, error) {
	if err := checkMergeClauses(n.MergeWhenClauses); err != nil {
		return nil, err
	}
	var dml []*cte
	if n.WithClause != nil {
		if n.WithClause.Recursive {
			return nil, pgerror.New(pgcode.Syntax, "WITH RECURSIVE is not supported for MERGE statement")
		}
		pop, ctes, err := pl.withClause(n.WithClause, nil, &level{})
		if err != nil {
			return nil, err
		}
		defer pop()
		dml = ctes
	}
	d, inserted, updated, err := pl.mergeTarget(n)
	if err != nil {
		return nil, err
	}
	w, err := pl.writer(d)
	if err != nil {
		return nil, err
	}
	w.noteWritten(inserted)
	w.noteWritten(updated)
	if err := checkMergeNames(n); err != nil {
		return nil, err
	}
	mp := &mergePlan{w: w, key: w.layout.Indexes[0].Cols[0]}
	lv := &level{}
	src, err := pl.mergeJoin(n, d, lv, mp)
	if err != nil {
		return nil, err
	}
	cols := src.cols()
	matched := newScope(append(append([]column(nil), cols[mp.split:]...), cols[:mp.split]...), lv, nil)
	notMatched := newScope(cols[:mp.split], lv, nil)
	hidden := &unmatchedTarget{scope: notMatched, target: cols[mp.split : mp.split+len(w.cols)]}
	for _, cn := range n.MergeWhenClauses {
		c := cn.GetMergeWhenClause()
		sc, view := notMatched, expr.Scope(hidden)
		if c.Matched {
			sc, view = matched, matched
		}
		a, err := pl.planMergeAction(w, c, sc, view, inserted, updated)
		if err != nil {
			return nil, err
		}
		if c.Matched {
			mp.matched = append(mp.matched, a)
		} else {
			mp.notMatched = append(mp.notMatched, a)
		}
	}
	return finishDML(p, &dmlPlan{verb: "MERGE", table: d.Name, source: withDML(src, dml), exec: mp.exec}), nil
}

// checkMergeClauses refuses a WHEN clause that can never run: one after
// an unconditional clause of the same kind (MATCHED or NOT MATCHED).
func checkMergeClauses(clauses []*pg_query.Node) error {
	var terminal [2]bool
	for _, cn := range clauses {
		c := cn.GetMergeWhenClause()
		kind := 0
		if !c.Matched {
			kind = 1
		}
		if terminal[kind] {
			return pgerror.New(pgcode.Syntax, "unreachable WHEN clause specified after unconditional WHEN clause")
		}
		if c.Condition == nil {
			terminal[kind] = true
		}
	}
	return nil
}

// mergeTarget resolves the table MERGE writes, noting the privileges
// its actions need (SELECT too, on the columns the join and the actions
// read of the target: mergeJoin). INSERT and UPDATE may be held on the
// columns the actions write, which they mark in the uses returned.
func (pl *planner) mergeTarget(n *pg_query.MergeStmt) (d *catalog.Descriptor, inserted, updated *columnUse, err error) {
	rv := n.Relation
	if tt := pl.travel[rv.Location]; tt != nil {
		return nil, nil, nil, pgerror.New(pgcode.FeatureNotSupported, "the target of MERGE cannot be read AS OF or as history").
			WithHint("Read the past in USING: MERGE INTO t USING t AS OF TX n old ON ...").WithPosition(tt.Pos + 1)
	}
	d, err = writableRelation(pl.txn, pl.s.searchPath(), rv) // ddl_index.go
	if err != nil {
		return nil, nil, nil, err
	}
	deletes := false
	for _, cn := range n.MergeWhenClauses {
		switch cn.GetMergeWhenClause().CommandType {
		case pg_query.CmdType_CMD_INSERT:
			if inserted == nil {
				inserted = pl.needColumns("a", d, false)
			}
		case pg_query.CmdType_CMD_UPDATE:
			if updated == nil {
				updated = pl.needColumns("w", d, false)
			}
		case pg_query.CmdType_CMD_DELETE:
			deletes = true
		}
	}
	if deletes {
		pl.needTable("d", d)
	}
	if d.Kind != catalog.KindTable || d.IsMatView() {
		return nil, nil, nil, pgerror.Newf(pgcode.FeatureNotSupported, "cannot execute MERGE on relation \"%s\"", d.Name).
			WithDetail("This operation is not supported for " + kindPlural(d.KindName()) + ".")
	}
	return d, inserted, updated, nil
}

// checkMergeNames refuses a source that has the target's name.
func checkMergeNames(n *pg_query.MergeStmt) error {
	target := n.Relation.Relname
	if n.Relation.Alias != nil {
		target = n.Relation.Alias.Aliasname
	}
	var source string
	switch s := n.SourceRelation.Node.(type) {
	case *pg_query.Node_RangeVar:
		source = s.RangeVar.Relname
		if s.RangeVar.Alias != nil {
			source = s.RangeVar.Alias.Aliasname
		}
	case *pg_query.Node_RangeSubselect:
		if s.RangeSubselect.Alias != nil {
			source = s.RangeSubselect.Alias.Aliasname
		}
	case *pg_query.Node_RangeFunction:
		if s.RangeFunction.Alias != nil {
			source = s.RangeFunction.Alias.Aliasname
		}
	case *pg_query.Node_JoinExpr:
		if s.JoinExpr.Alias != nil {
			source = s.JoinExpr.Alias.Aliasname
		}
	}
	if source == target {
		return pgerror.Newf(pgcode.DuplicateAlias, "name \"%s\" specified more than once", target).
			WithDetail("The name is used both as MERGE target table and data source.")
	}
	return nil
}

// mergeJoin plans the source joined to the target. Its rows are the
// source's columns, then the target's (the table row, then any system
// columns); mp.split is where the target's begin.
func (pl *planner) mergeJoin(n *pg_query.MergeStmt, d *catalog.Descriptor, lv *level, mp *mergePlan) (planNode, error) {
	target := proto.Clone(n.Relation).(*pg_query.RangeVar)
	if target.Schemaname == "" && pl.ctes.find(target.Relname) != nil {
		// The target is always a table, never a WITH query of its name.
		sch, err := catalog.Get(pl.txn, d.Schema)
		if err != nil {
			return nil, err
		}
		target.Schemaname = sch.Name
	}
	kind := pg_query.JoinType_JOIN_INNER
	for _, cn := range n.MergeWhenClauses {
		if !cn.GetMergeWhenClause().Matched {
			kind = pg_query.JoinType_JOIN_LEFT
		}
	}
	// The source cannot read the target (it is no LATERAL item): a
	// reference to it is an invalid one, not a missing one.
	alias := target.Relname
	if target.Alias != nil {
		alias = target.Alias.Aliasname
	}
	lv.addRel(target.Relname, alias)
	join := &pg_query.JoinExpr{Jointype: kind, Larg: n.SourceRelation,
		Rarg: &pg_query.Node{Node: &pg_query.Node_RangeVar{RangeVar: target}}, Quals: n.JoinCondition}
	saved := pl.changeTarget
	pl.changeTarget = target // SELECT on the columns read only
	src, err := pl.planFromWhere([]*pg_query.Node{{Node: &pg_query.Node_JoinExpr{JoinExpr: join}}}, nil, nil, lv)
	pl.changeTarget = saved
	if err != nil {
		return nil, err
	}
	cols := src.cols()
	mp.split = -1
	for i, c := range cols {
		if c.ref == target {
			mp.split = i
			break
		}
	}
	if mp.split < 0 || len(cols) < mp.split+len(mp.w.cols) {
		return nil, pgerror.New(pgcode.Internal, "MERGE: the join lost the target's row")
	}
	return src, nil
}

// planMergeAction plans one WHEN clause over its scope; view resolves
// its column references.
func (pl *planner) planMergeAction(w *tableWriter, c *pg_query.MergeWhenClause, sc *scope, view expr.Scope, inserted, updated *columnUse) (*mergeAction, error) {
	a := &mergeAction{kind: c.CommandType}
	if c.Condition != nil {
		b := pl.builder(sc, "MERGE WHEN conditions")
		b.Scope = view
		e, err := b.BuildAs(c.Condition, types.Bool, "WHEN")
		if err != nil {
			return nil, err
		}
		if a.cond, err = b.Finish(e); err != nil {
			return nil, err
		}
	}
	var err error
	switch c.CommandType {
	case pg_query.CmdType_CMD_UPDATE:
		a.set, err = pl.planSetClause(w, c.TargetList, sc, updated)
	case pg_query.CmdType_CMD_INSERT:
		err = pl.planMergeInsert(w, c, sc, view, a)
		for _, t := range a.targets {
			inserted.mark(w.cols[t].attNum)
		}
	case pg_query.CmdType_CMD_DELETE, pg_query.CmdType_CMD_NOTHING:
	default:
		err = pgerror.Newf(pgcode.FeatureNotSupported, "MERGE action %s is not supported", c.CommandType)
	}
	return a, err
}

// planMergeInsert plans INSERT [(cols)] [OVERRIDING ...] VALUES (...)
// or INSERT DEFAULT VALUES over the source's row.
func (pl *planner) planMergeInsert(w *tableWriter, c *pg_query.MergeWhenClause, sc *scope, view expr.Scope, a *mergeAction) error {
	if c.Values == nil { // DEFAULT VALUES
		return nil
	}
	targets, err := insertTargets(w, c.TargetList)
	if err != nil {
		return err
	}
	// Without a column list, fewer values fill the first columns.
	if len(c.TargetList) == 0 && len(c.Values) < len(targets) {
		targets = targets[:len(c.Values)]
	}
	if len(c.Values) != len(targets) {
		if len(c.Values) > len(targets) {
			return insertCountError(len(c.Values), len(targets), expr.Location(c.Values[len(targets)]))
		}
		// PostgreSQL points at the first column without a value.
		return insertCountError(len(c.Values), len(targets), c.TargetList[len(c.Values)].GetResTarget().Location)
	}
	b := pl.builder(sc, "VALUES")
	b.Scope = view
	a.targets = targets
	a.values = make([]expr.Expr, len(c.Values))
	for i, item := range c.Values {
		if a.values[i], err = w.insertValue(b, targets[i], item, c.Override); err != nil {
			return err
		}
	}
	return nil
}

// unmatchedTarget is the scope of a WHEN NOT MATCHED clause, which sees
// the source's columns only: a target column named there is an error
// with PostgreSQL's hint.
type unmatchedTarget struct {
	*scope
	target []column
}

func (s *unmatchedTarget) Column(names []string, loc int32) (expr.Expr, error) {
	e, err := s.scope.Column(names, loc)
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Code != pgcode.UndefinedColumn || len(names) != 1 {
		return e, err
	}
	for _, c := range s.target {
		if c.name == names[0] && !c.hidden {
			return nil, pe.WithHint(fmt.Sprintf("There is a column named \"%s\" in table \"%s\", but it cannot be referenced from this part of the query.", c.name, c.table))
		}
	}
	return e, err
}
