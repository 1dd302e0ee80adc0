package sql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Foreign keys are checked as PostgreSQL's NO ACTION triggers are: at the
// end of the statement, so that a statement may insert a child before its
// parent, or delete a whole self-referencing tree. RESTRICT is checked at
// once; CASCADE, SET NULL and SET DEFAULT act at once on the referencing
// rows. MATCH SIMPLE: a key with a NULL column references nothing.
//
// Under snapshot isolation two transactions could each keep a foreign
// key valid in their own snapshot (one inserts a child, the other deletes
// its parent). The check of a parent locks the parent's key, and the
// removal of a parent key locks where its children would be, so that the
// second of two such transactions to commit fails with 40001.

// fkRef is a foreign key with both tables resolved.
type fkRef struct {
	fk            *catalog.ForeignKeyDesc
	child, parent *tableWriter
	// childCols and parentCols are the key columns' positions in each
	// table's rows, pairwise.
	childCols, parentCols []int
	// parentIx is the parent's unique index over parentCols; childIx an
	// index of the child that leads with childCols (nil: children are
	// found by scanning the table).
	parentIx, childIx *engine.IndexLayout
}

// fkPending is a check run at the end of the statement.
type fkPending struct {
	ref *fkRef
	// vals are the key's values in the key's column order; parentGone
	// marks the check that no child references a removed parent key
	// (else the check that a child's parent exists).
	vals       []types.Datum
	parentGone bool
}

// foreignKeys resolves a table's foreign keys and those referencing it.
func (pl *planner) foreignKeys(w *tableWriter) error {
	for i := range w.desc.Table.ForeignKeys {
		r, err := pl.fkRef(w.desc, &w.desc.Table.ForeignKeys[i])
		if err != nil {
			return err
		}
		w.fks = append(w.fks, r)
	}
	srcs, err := pl.referencingFKs(w.desc.ID)
	if err != nil {
		return err
	}
	for _, src := range srcs {
		child := src.child
		if child.ID == w.desc.ID {
			child = w.desc
		}
		r, err := pl.fkRef(child, &child.Table.ForeignKeys[src.fk])
		if err != nil {
			return err
		}
		w.refs = append(w.refs, r)
	}
	return nil
}

// fkRef returns the resolved foreign key, once per statement.
func (pl *planner) fkRef(child *catalog.Descriptor, fk *catalog.ForeignKeyDesc) (*fkRef, error) {
	key := fmt.Sprintf("%d/%s", child.ID, fk.Name)
	if r, ok := pl.fkRefs[key]; ok {
		return r, nil
	}
	if pl.fkRefs == nil {
		pl.fkRefs = map[string]*fkRef{}
	}
	r := &fkRef{fk: fk}
	pl.fkRefs[key] = r
	var err error
	if r.child, err = pl.writer(child); err != nil {
		return nil, err
	}
	parent := child
	if fk.RefTable != child.ID {
		if parent, err = catalog.Get(pl.txn, fk.RefTable); err != nil {
			return nil, err
		}
		if parent == nil || parent.Kind != catalog.KindTable {
			return nil, pgerror.Newf(pgcode.DataCorrupted, "foreign key \"%s\": referenced table %d is missing", fk.Name, fk.RefTable)
		}
	}
	if r.parent, err = pl.writer(parent); err != nil {
		return nil, err
	}
	for i := range fk.Columns {
		r.childCols = append(r.childCols, child.Table.ColumnIndex(fk.Columns[i]))
		r.parentCols = append(r.parentCols, parent.Table.ColumnIndex(fk.RefColumns[i]))
	}
	r.parentIx = leadingIndex(r.parent.layout, r.parentCols, true)
	if r.parentIx == nil {
		return nil, pgerror.Newf(pgcode.DataCorrupted, "foreign key \"%s\": no unique index of \"%s\" matches the referenced columns", fk.Name, parent.Name)
	}
	r.childIx = leadingIndex(r.child.layout, r.childCols, false)
	return r, nil
}

// leadingIndex returns an index whose first key columns are cols in any
// order (exactly cols, and unique, when exact).
func leadingIndex(l *engine.Layout, cols []int, exact bool) *engine.IndexLayout {
	for i := range l.Indexes {
		ix := &l.Indexes[i]
		if ix.Partial || len(ix.Cols) < len(cols) || (exact && (len(ix.Cols) != len(cols) || !ix.Unique)) {
			continue
		}
		ok := true
		for _, c := range ix.Cols[:len(cols)] {
			if !containsInt(cols, c) {
				ok = false
				break
			}
		}
		if ok {
			return ix
		}
	}
	return nil
}

// keyVals returns a row's values of key columns; nil if one is NULL.
func keyVals(row []types.Datum, cols []int) []types.Datum {
	out := make([]types.Datum, len(cols))
	for i, c := range cols {
		if row[c] == nil {
			return nil
		}
		out[i] = row[c]
	}
	return out
}

// childKeyVals returns the values of a child row's key that must be
// checked against the parent, nil when none must. Under MATCH FULL a key
// with some columns NULL and others not is checked too, and fails
// (runFKCheck); one all NULL references nothing, as under MATCH SIMPLE.
func (r *fkRef) childKeyVals(row []types.Datum) []types.Datum {
	if vals := keyVals(row, r.childCols); vals != nil || !r.fk.MatchFull {
		return vals
	}
	vals := make([]types.Datum, len(r.childCols))
	mixed := false
	for i, c := range r.childCols {
		vals[i] = row[c]
		mixed = mixed || row[c] != nil
	}
	if !mixed {
		return nil
	}
	return vals
}

// errMatchFull is the error of a MATCH FULL key that is partly NULL.
func (r *fkRef) errMatchFull(x *execCtx) error {
	return r.childViolation(x).WithDetail("MATCH FULL does not allow mixing of null and nonnull key values.")
}

// childViolation is the error of a referencing row whose key is not
// the parent's, without its detail.
func (r *fkRef) childViolation(x *execCtx) *pgerror.Error {
	return r.violation(x, pgerror.Newf(pgcode.ForeignKeyViolation, "insert or update on table \"%s\" violates foreign key constraint \"%s\"", r.child.desc.Name, r.fk.Name))
}

// violation names r's constraint and the referencing table in e, as
// PostgreSQL does whichever side of the key was written.
func (r *fkRef) violation(x *execCtx, e *pgerror.Error) *pgerror.Error {
	return x.inTable(e.WithConstraint(r.fk.Name), r.child.desc)
}

// queueParentChecks notes, for the end of the statement, that the parents
// of a new or updated row must exist (for an update, only of keys that
// changed).
func (w *tableWriter) queueParentChecks(x *execCtx, row, old []types.Datum) {
	for _, r := range w.fks {
		if old != nil && !keyChanged(w.layout.Types, old, row, r.childCols) {
			continue
		}
		if vals := r.childKeyVals(row); vals != nil {
			x.fkPending = append(x.fkPending, fkPending{ref: r, vals: vals})
		}
	}
}

// parentChanged applies a foreign key's action to the children of a
// parent row that was deleted (new nil) or whose key changed.
func (r *fkRef) parentChanged(x *execCtx, old, new []types.Datum) error {
	vals := keyVals(old, r.parentCols)
	if vals == nil {
		return nil
	}
	action := r.fk.OnDelete
	if new != nil {
		action = r.fk.OnUpdate
	}
	switch action {
	case "", "restrict":
		if action == "" {
			x.fkPending = append(x.fkPending, fkPending{ref: r, vals: vals, parentGone: true})
			return nil
		}
		found, err := r.findChildren(x, vals, true)
		if err != nil {
			return err
		}
		if len(found) > 0 {
			return r.stillReferenced(x, vals)
		}
		return nil
	}
	children, err := r.findChildren(x, vals, false)
	if err != nil {
		return err
	}
	for _, c := range children {
		if action == "cascade" && new == nil {
			if err := r.child.delete(x, c); err != nil {
				return err
			}
			continue
		}
		upd := append([]types.Datum(nil), c...)
		for i, cc := range r.childCols {
			switch action {
			case "cascade":
				upd[cc] = new[r.parentCols[i]]
			case "set null":
				upd[cc] = nil
			case "set default":
				v, err := r.child.defaultValue(x, cc)
				if err != nil {
					return err
				}
				upd[cc] = v
			}
		}
		if err := r.child.update(x, c, upd); err != nil {
			return err
		}
	}
	if action == "set default" {
		// A default equal to the removed key still references it (the
		// update above skipped its unchanged key): check as NO ACTION.
		x.fkPending = append(x.fkPending, fkPending{ref: r, vals: vals, parentGone: true})
	}
	return nil
}

// findChildren returns the child rows whose key equals vals (only
// whether there is one when one is set), and locks the range where they
// are.
func (r *fkRef) findChildren(x *execCtx, vals []types.Datum, one bool) ([][]types.Datum, error) {
	l := r.child.layout
	probe := make([]types.Datum, len(l.Types))
	for i, c := range r.childCols {
		v, ok, err := sameKeyAs(vals[i], r.parent.layout.Types[r.parentCols[i]], l.Types[c])
		if err != nil || !ok {
			return nil, err // no child can hold a key no value of its type equals
		}
		probe[c] = v
	}
	return r.scanChildren(x, probe, one, true)
}

// childHolds reports whether a child row still holds the key vals (in the
// child's types; NULLs equal NULLs): a check queued for a row that was
// updated or deleted since is moot, as PostgreSQL skips the check of a
// row version that is no longer live.
func (r *fkRef) childHolds(x *execCtx, vals []types.Datum) (bool, error) {
	probe := make([]types.Datum, len(r.child.layout.Types))
	for i, c := range r.childCols {
		probe[c] = vals[i]
	}
	found, err := r.scanChildren(x, probe, true, false)
	return len(found) > 0, err
}

// scanChildren returns the child rows whose key columns equal probe's,
// locking the range it reads when lock is set.
func (r *fkRef) scanChildren(x *execCtx, probe []types.Datum, one, lock bool) ([][]types.Datum, error) {
	l := r.child.layout
	var rng kv.Range
	if r.childIx != nil {
		prefix, err := l.KeyPrefix(r.childIx, probe, len(r.childCols))
		if err != nil {
			return nil, err
		}
		rng = kv.PrefixRange(prefix)
	} else {
		rng = l.Range(engine.PrimaryIndexID)
	}
	if lock {
		x.txn.LockRange(rng)
	}
	it, err := x.txn.Scan(rng, false)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out [][]types.Datum
	for it.Next() {
		row, err := r.childRow(x, it.Key(), it.Value())
		if err != nil {
			return nil, err
		}
		if row == nil || keyChanged(l.Types, probe, row, r.childCols) {
			continue
		}
		out = append(out, row)
		if one {
			break
		}
		if err := x.checkCanceled(); err != nil {
			return nil, err
		}
	}
	return out, it.Err()
}

// childRow decodes the child row at an entry of the range findChildren
// scans.
func (r *fkRef) childRow(x *execCtx, key, value []byte) ([]types.Datum, error) {
	l := r.child.layout
	if r.childIx == nil || r.childIx.ID == engine.PrimaryIndexID {
		return l.DecodeRow(value)
	}
	rowKey, err := l.RowKeyFromIndexEntry(r.childIx, key, value)
	if err != nil {
		return nil, err
	}
	v, ok, err := x.txn.Get(rowKey)
	if err != nil || !ok {
		return nil, err
	}
	return l.DecodeRow(v)
}

// parentExists reports whether the parent table holds a row with the key
// vals, and locks that row's key.
func (r *fkRef) parentExists(x *execCtx, vals []types.Datum) (bool, error) {
	l := r.parent.layout
	probe := make([]types.Datum, len(l.Types))
	for i, c := range r.parentCols {
		v, ok, err := sameKeyAs(vals[i], r.child.layout.Types[r.childCols[i]], l.Types[c])
		if err != nil || !ok {
			return false, err // not present: no parent value equals it
		}
		probe[c] = v
	}
	prefix, err := l.KeyPrefix(r.parentIx, probe, len(r.parentIx.Cols))
	if err != nil {
		return false, err
	}
	it, err := x.txn.Scan(kv.PrefixRange(prefix), false)
	if err != nil {
		return false, err
	}
	defer it.Close()
	if !it.Next() {
		return false, it.Err()
	}
	x.txn.Lock(it.Key())
	return true, nil
}

// runFKChecks runs the checks the statement deferred to its end.
func (x *execCtx) runFKChecks() error {
	pending := x.fkPending
	x.fkPending = nil
	for _, p := range pending {
		if x.deferIfAsked(p) { // fk_deferred.go
			continue
		}
		if err := x.runFKCheck(p); err != nil {
			return err
		}
	}
	return nil
}

// runFKCheck runs one check: that a child's parent exists, or that no
// child references a removed parent key.
func (x *execCtx) runFKCheck(p fkPending) error {
	if err := x.checkCanceled(); err != nil {
		return err
	}
	r := p.ref
	if !p.parentGone {
		mixed := slices.Contains(p.vals, nil) // childKeyVals queued a MATCH FULL key partly NULL
		if !mixed {
			ok, err := r.parentExists(x, p.vals)
			if err != nil || ok {
				return err
			}
		}
		// Only a failing check pays for this lookup.
		if held, err := r.childHolds(x, p.vals); err != nil || !held {
			return err
		}
		if mixed {
			return r.errMatchFull(x)
		}
		err := r.childViolation(x)
		if !r.child.mayReadAll(x, r.childCols) { // privileges_details.go
			return err.WithDetail(fmt.Sprintf("Key is not present in table \"%s\".", r.parent.desc.Name))
		}
		return err.WithDetail(fmt.Sprintf("Key (%s)=(%s) is not present in table \"%s\".", r.colNames(r.child, r.childCols), x.keyText(r.child, r.childCols, p.vals), r.parent.desc.Name))
	}
	// The parent key may exist again (an update swapped keys).
	probe := make([]types.Datum, len(p.vals))
	referable := true
	for i := range p.vals {
		v, ok, err := sameKeyAs(p.vals[i], r.parent.layout.Types[r.parentCols[i]], r.child.layout.Types[r.childCols[i]])
		if err != nil {
			return err
		}
		probe[i], referable = v, referable && ok
	}
	if !referable {
		return nil // no child key can equal it
	}
	if ok, err := r.parentExists(x, probe); err != nil || ok {
		return err
	}
	children, err := r.findChildren(x, p.vals, true)
	if err != nil {
		return err
	}
	if len(children) > 0 {
		return r.stillReferenced(x, p.vals)
	}
	return nil
}

// stillReferenced is the error of removing a referenced parent key.
func (r *fkRef) stillReferenced(x *execCtx, vals []types.Datum) error {
	err := r.violation(x, pgerror.Newf(pgcode.ForeignKeyViolation, "update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"", r.parent.desc.Name, r.fk.Name, r.child.desc.Name))
	if !r.parent.mayReadAll(x, r.parentCols) { // privileges_details.go
		return err.WithDetail(fmt.Sprintf("Key is still referenced from table \"%s\".", r.child.desc.Name))
	}
	return err.WithDetail(fmt.Sprintf("Key (%s)=(%s) is still referenced from table \"%s\".", r.colNames(r.parent, r.parentCols), x.keyText(r.parent, r.parentCols, vals), r.child.desc.Name))
}

func (r *fkRef) colNames(w *tableWriter, cols []int) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = w.cols[c].name
	}
	return strings.Join(names, ", ")
}

// keyText prints key values as PostgreSQL's error details do.
func (x *execCtx) keyText(w *tableWriter, cols []int, vals []types.Datum) string {
	out := make([]string, len(cols))
	fs := x.sess.FormatSettings()
	for i, c := range cols {
		if vals[i] == nil {
			out[i] = "null"
			continue
		}
		out[i] = string(w.cols[c].typ.AppendText(nil, vals[i], fs))
	}
	return strings.Join(out, ", ")
}
