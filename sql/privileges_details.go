package sql

import (
	"strings"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// What a constraint violation's DETAIL may show a user who may not read
// the whole table, as PostgreSQL decides it (ExecBuildSlotValueDescription,
// BuildIndexValueDescription): otherwise the values of columns the user
// may not SELECT would leak through errors. A failing row shows the
// columns the user may read or the statement writes, named:
// "Failing row contains (id, a) = (1, null)."; none, no detail. A
// duplicate key shows its values only when the user may read every key
// column; a foreign key's then too, else "Key is not present in table
// ...".

// noteWritten records the columns a statement writes through w (its
// INSERT's or UPDATE's column use).
func (w *tableWriter) noteWritten(u *columnUse) {
	if u != nil {
		w.written = append(w.written, u)
	}
}

// readable reports whether the session may read the whole table (all)
// or else which of its columns (by position in w.cols).
func (w *tableWriter) readable(x *execCtx) (all bool, cols map[int]bool) {
	r, err := x.sess.rights()
	if err != nil || r.hasDesc("r", w.desc) {
		return true, nil // (an error here is not the statement's)
	}
	cols = map[int]bool{}
	for i, c := range w.cols {
		if c.hidden {
			continue
		}
		if id, ok := columnIDAt(w.desc, int16(i+1)); ok && strings.Contains(r.grant.OnColumn(w.desc.ID, id), "r") {
			cols[i] = true
		}
	}
	return false, cols
}

// failingRowDetail is a violating row's detail, "" when the session may
// see none of its columns.
func (w *tableWriter) failingRowDetail(x *execCtx, row []types.Datum) string {
	all, cols := w.readable(x)
	if all {
		return w.failingRow(x, row)
	}
	for _, u := range w.written {
		for a := range u.attnums {
			cols[int(a)-1] = true
		}
	}
	var names, vals []string
	fs := x.sess.FormatSettings()
	for i, c := range w.cols {
		if c.hidden || !cols[i] {
			continue
		}
		names = append(names, c.name)
		if row[i] == nil {
			vals = append(vals, "null")
		} else {
			vals = append(vals, string(c.typ.AppendText(nil, row[i], fs)))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "Failing row contains (" + strings.Join(names, ", ") + ") = (" + strings.Join(vals, ", ") + ")."
}

// mayReadAll reports whether the session may read every column of cols
// (positions in w.cols): a foreign key violation shows its key only then.
func (w *tableWriter) mayReadAll(x *execCtx, cols []int) bool {
	all, readable := w.readable(x)
	if all {
		return true
	}
	for _, c := range cols {
		if !readable[c] {
			return false
		}
	}
	return true
}

// keyError is a unique violation of w's table as the client sees it:
// naming the table, and without the key in its detail when the session
// may not read every key column.
func (w *tableWriter) keyError(x *execCtx, err error) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Code != pgcode.UniqueViolation {
		return err
	}
	pe = x.inTable(pe, w.desc)
	if pe.Detail == "" {
		return pe
	}
	all, cols := w.readable(x)
	if all {
		return pe
	}
	for _, ix := range w.layout.Indexes {
		if pe.Constraint != ix.Name {
			continue
		}
		for _, c := range ix.Cols {
			if !cols[c] {
				return pe.WithDetail("")
			}
		}
		return pe
	}
	return pe.WithDetail("") // an index not found: show nothing
}
