package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// planOnConflict resolves ON CONFLICT's arbiter indexes and builds DO
// UPDATE's assignments over the existing row followed by EXCLUDED (and,
// when the statement names a system column, the target's tableoid:
// EXCLUDED has none, as in PostgreSQL). alias names the target.
func (pl *planner) planOnConflict(w *tableWriter, c *pg_query.OnConflictClause, rowCols []column, alias string) (*onConflict, error) {
	oc := &onConflict{update: c.Action == pg_query.OnConflictAction_ONCONFLICT_UPDATE}
	var updated *columnUse
	if oc.update {
		updated = pl.needColumns("w", w.desc, false)
		w.noteWritten(updated)
	}
	l := w.layout
	switch {
	case c.Infer != nil && c.Infer.Conname != "":
		for i := range l.Indexes {
			// A partial index is no constraint (PostgreSQL's unique
			// constraints have no predicate).
			if l.Indexes[i].Name == c.Infer.Conname && !l.Indexes[i].Partial {
				oc.arbiters = append(oc.arbiters, &l.Indexes[i])
			}
		}
		if oc.arbiters == nil {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "constraint \"%s\" for table \"%s\" does not exist", c.Infer.Conname, w.desc.Name)
		}
	case c.Infer != nil:
		where, err := pl.inferenceWhere(w, c.Infer.WhereClause)
		if err != nil {
			return nil, err
		}
		var cols []int
		noIndex := false
		for _, e := range c.Infer.IndexElems {
			ie := e.GetIndexElem()
			name := ie.Name
			if ie.Expr != nil {
				name = plainColumnElem(ie.Expr) // ((a)) is a
			}
			if name == "" {
				// An expression: the key column of the expression index
				// that keys on it (index_expr_match.go).
				// Its user functions resolve as the query's do; the
				// key's must be the same functions (sameExpr, by id).
				b := pl.predicateBuilder(w.desc)
				b.UserFuncs = userFuncsHook(pl.txn, pl.s)
				col, err := pl.inferenceColumn(w, b, ie.Expr)
				if err != nil {
					return nil, err
				}
				noIndex = noIndex || col < 0
				cols = append(cols, col)
				continue
			}
			col := w.columnByName(name)
			if col < 0 {
				return nil, pgerror.Newf(pgcode.UndefinedColumn, "column \"%s\" does not exist", name).WithPosition(int(c.Infer.Location) + 1)
			}
			markColumn(rowCols[col]) // the arbiter's columns are read, as PostgreSQL checks
			cols = append(cols, col)
		}
		for i := range l.Indexes {
			ix := &l.Indexes[i]
			if !noIndex && ix.Unique && len(ix.Cols) == len(cols) && sameIntSet(ix.Cols, cols) && pl.infersPartial(w, i, where) {
				oc.arbiters = append(oc.arbiters, ix)
			}
		}
		if oc.arbiters == nil {
			return nil, pgerror.New(pgcode.InvalidColumnReference, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
		}
	default:
		if oc.update {
			return nil, pgerror.New(pgcode.Syntax, "ON CONFLICT DO UPDATE requires inference specification or constraint name").
				WithHint("For example, ON CONFLICT (column_name).").WithPosition(int(c.Location) + 1)
		}
		for i := range l.Indexes {
			if l.Indexes[i].Unique {
				oc.arbiters = append(oc.arbiters, &l.Indexes[i])
			}
		}
	}
	if !oc.update {
		return oc, nil
	}
	cols := append(append([]column(nil), rowCols...), tableColumns(w.desc, "excluded")...)
	if pl.sysCols {
		oc.rel = w.desc.ID
		cols = append(cols, tableOIDCol(alias))
	}
	sc := newScope(cols, &level{}, nil)
	var err error
	if oc.set, err = pl.planSetClause(w, c.TargetList, sc, updated); err != nil {
		return nil, err
	}
	if c.WhereClause != nil {
		b := pl.builder(sc, "WHERE")
		if oc.where, err = b.BuildAs(c.WhereClause, types.Bool, "WHERE"); err != nil {
			return nil, err
		}
	}
	return oc, nil
}

func sameIntSet(a, b []int) bool {
	for _, v := range a {
		if !containsInt(b, v) {
			return false
		}
	}
	for _, v := range b {
		if !containsInt(a, v) {
			return false
		}
	}
	return true
}

// onConflict handles a proposed row that an arbiter index already holds:
// handled reports that it did (the row is not inserted), changed that DO
// UPDATE updated the existing row.
func (ip *insertPlan) onConflict(x *execCtx, row []types.Datum, touched map[string]bool, emit func([]types.Datum) error) (handled, changed bool, err error) {
	w := ip.w
	oc := ip.conflict
	for _, ix := range oc.arbiters {
		existing, key, err := w.conflicting(x, ix, row)
		if err != nil {
			return false, false, err
		}
		if existing == nil {
			continue
		}
		if x.changedElsewhere(key) {
			// Another part of the statement wrote the row (cte_dml.go):
			// PostgreSQL refuses DO UPDATE whichever ran first; DO
			// NOTHING's outcome there depends on that order.
			if oc.update {
				return false, false, errUpdateTwice()
			}
			return false, false, errChangedTwice(w)
		}
		if !oc.update {
			return true, false, nil
		}
		if touched[string(key)] {
			return false, false, errUpdateTwice()
		}
		both := append(append(make([]types.Datum, 0, 2*len(row)+1), existing...), row...)
		if oc.rel != 0 {
			both = append(both, dOid(oc.rel))
		}
		if oc.where != nil {
			ok, err := x.evalBool(oc.where, both)
			if err != nil || !ok {
				return true, false, err
			}
		}
		upd, err := w.apply(x, oc.set, both)
		if err != nil {
			return false, false, err
		}
		if err := w.update(x, existing, upd); err != nil {
			return false, false, err
		}
		newKey, err := w.layout.RowKey(upd)
		if err != nil {
			return false, false, err
		}
		touched[string(newKey)] = true
		return true, true, emit(upd)
	}
	return false, false, nil
}

// conflicting returns the row a unique index holds for a proposed row's
// key, and that row's key; nil if none (or the key has a NULL).
func (w *tableWriter) conflicting(x *execCtx, ix *engine.IndexLayout, row []types.Datum) ([]types.Datum, []byte, error) {
	l := w.layout
	for _, c := range ix.Cols {
		if row[c] == nil {
			return nil, nil, nil
		}
	}
	key, err := l.KeyPrefix(ix, row, len(ix.Cols))
	if err != nil {
		return nil, nil, err
	}
	if ix.Include != nil {
		// A row a partial index leaves out conflicts with nothing in it.
		if in, err := ix.Include(row); err != nil || !in {
			return nil, nil, err
		}
	}
	v, ok, err := x.txn.Get(key)
	if err != nil || !ok {
		return nil, nil, err
	}
	if ix.ID != engine.PrimaryIndexID {
		if key, err = l.RowKeyFromIndexEntry(ix, key, v); err != nil {
			return nil, nil, err
		}
		if v, ok, err = x.txn.Get(key); err != nil || !ok {
			return nil, nil, err
		}
	}
	existing, err := l.DecodeRow(v)
	if err != nil {
		return nil, nil, err
	}
	return existing, key, nil
}

// errUpdateTwice is ON CONFLICT DO UPDATE meeting a row the statement
// itself wrote.
func errUpdateTwice() error {
	return pgerror.New(pgcode.CardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time").
		WithHint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values.")
}
