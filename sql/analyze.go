package sql

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ANALYZE and VACUUM, which scripts and tools run after loading data.
//
// ANALYZE scans each table (engine.Analyze): its row count, the one the
// planner and pg_stat_user_tables.n_live_tup use, is exact from then on
// (otherwise it is taken when the planner first needs it, in the
// background for a large table), and a sample of its rows gives each
// column's null fraction, average width, distinct count, most common
// values, histogram and correlation, which the planner's selectivities
// use and pg_stats shows. A column list is checked; every column is
// analyzed. As in PostgreSQL, ANALYZE is part of its transaction: it
// samples the rows the transaction sees, its own included, and what it
// finds is the transaction's until it commits (engine/analyze.go).
//
// VACUUM has nothing to do: stela never rewrites or removes a committed
// row version (each stays readable AS OF its transaction), so there is no
// dead space to reclaim, and it says so in a NOTICE. VACUUM ANALYZE
// analyzes. As in PostgreSQL, VACUUM cannot run inside a transaction
// block; ANALYZE can.
type vacuumPlan struct {
	n *pg_query.VacuumStmt
}

func (pl *planner) planVacuum(n *pg_query.VacuumStmt) (plan, error) {
	return &vacuumPlan{n: n}, nil
}

func (p *vacuumPlan) run(s *Session, ec *expr.Context) (Result, error) {
	tag, analyze, verbose := "ANALYZE", !p.n.IsVacuumcmd, false
	for _, o := range p.n.Options {
		if d := o.GetDefElem(); d != nil {
			analyze = analyze || strings.EqualFold(d.Defname, "analyze")
			verbose = verbose || strings.EqualFold(d.Defname, "verbose")
		}
	}
	if p.n.IsVacuumcmd {
		tag = "VACUUM"
		if s.inTransactionBlock() {
			return nil, pgerror.New(pgcode.ActiveSQLTransaction, "VACUUM cannot run inside a transaction block")
		}
	}
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	tables, err := p.tables(x, strings.ToLower(tag))
	if err != nil {
		return nil, err
	}
	if p.n.IsVacuumcmd {
		s.notice("NOTICE", pgcode.SuccessfulCompletion,
			"VACUUM has nothing to reclaim: stela keeps every committed row version")
	}
	if analyze {
		for _, d := range tables {
			n, err := x.txn.Analyze(ec.Ctx, catalog.Layout(d))
			if err != nil {
				return nil, evalError(ec.Ctx, err)
			}
			if verbose {
				s.notice("INFO", pgcode.SuccessfulCompletion, fmt.Sprintf("\"%s\": %d live rows counted", d.Name, n))
			}
		}
	}
	return &tagResult{tag: tag}, nil
}

// tables resolves the statement's tables: those named, checking their
// columns, or every table the session can see when none is. Like
// PostgreSQL it skips, with a WARNING, a named relation that is not a
// table, and silently pg_catalog's relations.
func (p *vacuumPlan) tables(x *execCtx, verb string) ([]*catalog.Descriptor, error) {
	s := x.sess
	r, err := s.rights()
	if err != nil {
		return nil, err
	}
	if len(p.n.Rels) == 0 {
		all, err := catalog.All(x.txn)
		if err != nil {
			return nil, err
		}
		var out []*catalog.Descriptor
		for _, d := range all {
			if d.Kind == catalog.KindTable && r.holdsOnRelation(d) {
				out = append(out, d)
			}
		}
		return out, nil
	}
	var out []*catalog.Descriptor
	for _, n := range p.n.Rels {
		vr := n.GetVacuumRelation()
		if vr == nil || vr.Relation == nil {
			continue
		}
		rv := vr.Relation
		if refuseSystemCatalog(x.txn, s.searchPath(), rv.Schemaname, rv.Relname) != nil {
			continue // computed from the catalog: nothing to count
		}
		d, err := x.relationFor(rv)
		if err != nil {
			return nil, err
		}
		if d.Kind != catalog.KindTable {
			s.notice("WARNING", pgcode.WrongObjectType, "skipping \""+d.Name+"\" --- cannot "+verb+" non-tables or special system tables")
			continue
		}
		if !r.holdsOnRelation(d) {
			s.notice("WARNING", pgcode.InsufficientPrivilege, "skipping \""+d.Name+"\" --- permission denied")
			continue
		}
		for _, c := range vr.VaCols {
			if _, err := alterColumn(d, c.GetString_().GetSval()); err != nil {
				return nil, err
			}
		}
		out = append(out, d)
	}
	return out, nil
}
