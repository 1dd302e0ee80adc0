package sql

import (
	"errors"
	"strconv"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// A history read returns the versions of a table's rows with its present
// columns. Versions written before an ALTER COLUMN ... TYPE are encoded
// with the column's old type (nothing committed is rewritten), so each
// version is decoded with the table's columns of the transaction that
// wrote it — the version of the descriptor at or before it — and then
// taken through every type change since, as the ALTER took the rows it
// rewrote: by its USING expression (kept in the descriptor it wrote,
// ColumnDesc.Using), evaluated over the version's columns of then, or by
// the assignment cast when it had none (an explicit cast when only one
// exists, or none builds). A value the conversion fails on is the
// conversion's error; AS OF TX reads such a version as it was. Only the
// columns the query reads are converted (and those their USING reads):
// count(*) over the history, or a read of other columns, does not fail
// on a value that does not convert.

// historyDecoder decodes a history read's versions.
type historyDecoder struct {
	present *engine.Layout
	// epochs are the table's layouts, oldest first, each from the tx
	// that wrote it, the present one last; nil when every version
	// decodes with present.
	epochs []historyEpoch
	cur    int
	// convert marks the positions a retyped value is converted at; the
	// others read NULL (nil: all).
	convert []bool
	// rekeyed maps storage whose rows were keyed by other columns than
	// now to its layout (tableHistory), which decodes its deletes' keys.
	rekeyed map[uint32]*engine.Layout
}

// historyEpoch is the layout versions in [from, the next epoch's from)
// were written with, and the step that takes a row of the epoch before
// to this one's types.
type historyEpoch struct {
	from   uint64
	layout *engine.Layout
	// retyped are the positions whose type differs from the epoch
	// before; step[pos] converts a value there (nil for a dropped
	// column, which reads NULL).
	retyped []int
	step    []expr.Expr
}

// newHistoryDecoder reads the versions of d's descriptor; d (with its
// layout l) is the table as the reading transaction sees it, and need
// marks the columns the reader reads (nil: all).
func (x *execCtx) newHistoryDecoder(d *catalog.Descriptor, l *engine.Layout, need []bool) (*historyDecoder, error) {
	dec := &historyDecoder{present: l}
	if d == nil || d.Table == nil {
		return dec, nil
	}
	versions, err := catalog.Versions(x.txn, d.ID)
	if err != nil {
		return nil, err
	}
	// The transaction's own change of the table, if any, is the last.
	versions = append(versions, catalog.DescAt{Tx: ^uint64(0), Desc: d})
	var epochs []historyEpoch
	var prev *catalog.Descriptor
	differs := false
	for _, v := range versions {
		if v.Desc.Table == nil {
			continue
		}
		e := historyEpoch{from: v.Tx, layout: catalog.Layout(v.Desc)}
		if v.Desc == d {
			e.layout = l
		}
		if prev != nil {
			if err := x.historyStep(&e, prev, v.Desc); err != nil {
				return nil, err
			}
			differs = differs || len(e.retyped) > 0
		}
		epochs = append(epochs, e)
		prev = v.Desc
	}
	if differs {
		dec.epochs = epochs
		dec.convert = convertedColumns(epochs, need, len(l.Types))
	}
	return dec, nil
}

// convertedColumns is need with the columns the conversions of needed
// columns read added, until none is missing (nil: all).
func convertedColumns(epochs []historyEpoch, need []bool, width int) []bool {
	if need == nil {
		return nil
	}
	out := colSet(need).clone(width)
	for grew := true; grew; {
		grew = false
		for i := range epochs {
			e := &epochs[i]
			for _, pos := range e.retyped {
				if !out.has(pos) || e.step[pos] == nil {
					continue
				}
				reads := make(colSet, width).with(width, e.step[pos])
				if reads == nil {
					return nil
				}
				for c, r := range reads {
					if r && !out.has(c) {
						out.add(c)
						grew = true
					}
				}
			}
		}
	}
	return out
}

// historyStep builds the conversion of a row of table version from to
// the types of version to.
func (x *execCtx) historyStep(e *historyEpoch, from, to *catalog.Descriptor) error {
	fromL := catalog.Layout(from)
	var sc *scope
	for pos, t := range e.layout.Types {
		if pos >= len(fromL.Types) || t == nil || fromL.Types[pos] == nil || t.Equal(fromL.Types[pos]) {
			continue
		}
		if e.step == nil {
			e.step = make([]expr.Expr, len(e.layout.Types))
		}
		e.retyped = append(e.retyped, pos)
		c := &to.Table.Columns[pos]
		if c.Dropped {
			continue
		}
		b := &expr.Builder{Params: &expr.ParamTypes{NoParams: true}, Session: x.sess, Extension: extensionHook(x.txn), UserType: userTypeHook(x.txn, x.sess)}
		if c.Using != "" {
			if sc == nil {
				sc = newScope(tableColumns(from, from.Name), &level{}, nil)
			}
			if n, err := parser.ParseExpr(c.Using); err == nil {
				bu := &expr.Builder{Params: b.Params, Session: x.sess, Scope: sc, Extension: b.Extension, UserType: b.UserType}
				if u, err := bu.Build(n); err == nil {
					if out, err := bu.Assign(u, t, c.Name, -1); err == nil {
						e.step[pos] = out
						continue
					}
				}
			}
		}
		arg := &expr.ColRef{Idx: pos, T: fromL.Types[pos], Name: c.Name}
		out, err := b.Assign(arg, t, c.Name, -1)
		if err != nil {
			if out, err = b.CastExplicit(arg, t, -1); err != nil {
				return err
			}
		}
		e.step[pos] = out
	}
	return nil
}

// decode returns the row a version holds, with the present columns.
func (dec *historyDecoder) decode(x *execCtx, v *historyVersion) ([]types.Datum, error) {
	if v.op == "delete" && dec.rekeyed != nil {
		if l := dec.rekeyed[engine.KeyTableID(v.key)]; l != nil {
			// Only the key's values: those of a row id, which no
			// present column shows.
			row, err := l.DecodeRowKey(v.key)
			for len(row) < len(dec.present.Types) {
				row = append(row, nil)
			}
			return row, err
		}
	}
	if dec.epochs == nil {
		if v.op == "delete" {
			return dec.present.DecodeRowKey(v.key)
		}
		return dec.present.DecodeRow(v.value)
	}
	// Versions come in tx order: the epoch only moves forward.
	for dec.cur+1 < len(dec.epochs) && dec.epochs[dec.cur+1].from <= v.tx {
		dec.cur++
	}
	l := dec.epochs[dec.cur].layout
	var row []types.Datum
	var err error
	if v.op == "delete" {
		row, err = l.DecodeRowKey(v.key)
	} else {
		row, err = l.DecodeRow(v.value)
	}
	if err != nil {
		return nil, err
	}
	for i := dec.cur + 1; i < len(dec.epochs); i++ {
		e := &dec.epochs[i]
		for len(row) < len(e.layout.Types) {
			row = append(row, nil)
		}
		if len(e.retyped) == 0 {
			continue
		}
		// A step reads the row as it was before it (USING may read
		// other columns).
		before := append([]types.Datum(nil), row...)
		for _, pos := range e.retyped {
			if e.step[pos] == nil || dec.convert != nil && !dec.convert[pos] {
				row[pos] = nil
				continue
			}
			if row[pos], err = x.eval(e.step[pos], before); err != nil {
				return nil, convertError(err, dec.present.Names[pos], v.tx)
			}
		}
	}
	return row, nil
}

// convertError says which version a conversion failed on.
func convertError(err error, column string, tx uint64) error {
	var pe *pgerror.Error
	if !errors.As(err, &pe) || pe.Detail != "" {
		return err
	}
	c := *pe
	c.Detail = "Converting the version written at tx " + strconv.FormatUint(tx, 10) + " of column \"" + column + "\" to its present type: the column's type changed since. AS OF TX reads the version as it was."
	return &c
}
