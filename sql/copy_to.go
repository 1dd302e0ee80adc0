package sql

import (
	"context"
	"encoding/binary"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// copyToPlan is COPY table [(cols)] TO STDOUT and COPY (query) TO
// STDOUT: a query whose rows are encoded as they are read, never held
// all at once. COPY table reads the table as SELECT would, so time
// travel (AS OF after the table, or the session's stela.as_of_tx)
// applies to both forms.
type copyToPlan struct {
	query *queryPlan
	cols  []column
	opts  *copyOptions
	// forceQuote is per column (CSV), nil when no column is forced.
	forceQuote []bool
}

func (pl *planner) planCopyTo(p *Prepared, n *pg_query.CopyStmt) (plan, error) {
	var sel *pg_query.SelectStmt
	var opts *copyOptions
	var err error
	table := ""
	if n.Relation != nil {
		d, err := pl.copyRelation(n.Relation)
		if err != nil {
			return nil, err
		}
		if err := checkCopyKind(d, false); err != nil {
			return nil, err
		}
		if opts, err = parseCopyOptions(n.Options, false); err != nil {
			return nil, err
		}
		cols := tableColumns(d, d.Name)
		targets, err := copyColumnsOf(d, cols, n.Attlist)
		if err != nil {
			return nil, err
		}
		if _, err := forceFlags("FORCE_QUOTE", opts.forceQuote, cols, d.Name, targets); err != nil {
			return nil, err
		}
		sel = selectColumns(n.Relation, cols, targets)
		table = d.Name
	} else {
		if sel = n.Query.GetSelectStmt(); sel == nil {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY (INSERT, UPDATE or DELETE ... RETURNING) TO is not supported").
				WithPosition(int(expr.Location(n.Query)) + 1)
		}
		if sel.IntoClause != nil {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY (SELECT INTO) is not supported")
		}
		if opts, err = parseCopyOptions(n.Options, false); err != nil {
			return nil, err
		}
	}
	pl.topWith = sel.WithClause // COPY (WITH d AS (DELETE ...) SELECT ...) TO
	root, err := pl.planQuery(sel, nil, &level{})
	if err != nil {
		return nil, err
	}
	cp := &copyToPlan{query: &queryPlan{root: root, tag: "COPY"}, cols: visibleColumns(root.cols()), opts: opts}
	if opts.forceQuoteAll {
		cp.forceQuote = make([]bool, len(cp.cols))
		for i := range cp.forceQuote {
			cp.forceQuote[i] = true
		}
	} else if opts.forceQuote != nil {
		all := make([]int, len(cp.cols))
		for i := range all {
			all[i] = i
		}
		if cp.forceQuote, err = forceFlags("FORCE_QUOTE", opts.forceQuote, cp.cols, table, all); err != nil {
			return nil, err
		}
	}
	p.Copy = &CopyInfo{Binary: opts.format == copyBinary, Columns: len(cp.cols)}
	return cp, nil
}

// selectColumns is the query COPY table TO reads: the listed columns of
// the table, the table reference kept as written (its position carries
// an AS OF clause).
func selectColumns(rv *pg_query.RangeVar, cols []column, targets []int) *pg_query.SelectStmt {
	sel := &pg_query.SelectStmt{
		FromClause:  []*pg_query.Node{{Node: &pg_query.Node_RangeVar{RangeVar: rv}}},
		Op:          pg_query.SetOperation_SETOP_NONE,
		LimitOption: pg_query.LimitOption_LIMIT_OPTION_DEFAULT,
	}
	for _, t := range targets {
		ref := pg_query.MakeColumnRefNode([]*pg_query.Node{pg_query.MakeStrNode(cols[t].name)}, -1)
		sel.TargetList = append(sel.TargetList, pg_query.MakeResTargetNodeWithVal(ref, -1))
	}
	return sel
}

func (cp *copyToPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if err := cp.opts.checkBinaryEncoding(s); err != nil {
		return nil, err
	}
	res, err := cp.query.run(s, ec)
	if err != nil {
		return nil, err
	}
	return &copyOutResult{plan: cp, res: res.(*queryResult), fs: s.FormatSettings(), enc: cp.opts.dataEncoding(s)}, nil
}

// CopyOut is the Result of COPY TO STDOUT: the data, in pieces, for
// CopyData messages. Next returns no rows; Tag is "COPY n".
type CopyOut interface {
	Result
	// NextData returns the next piece of data (a header, one row, or
	// the binary trailer), valid until the next call; nil at the end.
	NextData(ctx context.Context) ([]byte, error)
}

// copyOutResult encodes the rows of a COPY TO as they are read.
type copyOutResult struct {
	plan    *copyToPlan
	res     *queryResult
	fs      *types.FormatSettings
	buf     []byte          // the piece handed out last
	enc     *pgenc.Encoding // the data's, when not UTF-8 (converted in place)
	scratch []byte          // one value's text
	state   int             // 0: header next, 1: rows, 2: done
}

var _ CopyOut = (*copyOutResult)(nil)

func (r *copyOutResult) Next(context.Context) ([]types.Datum, error) { return nil, nil }
func (r *copyOutResult) Tag() string                                 { return "COPY " + itoa64(r.res.n) }
func (r *copyOutResult) Close()                                      { r.res.Close() }

func (r *copyOutResult) NextData(ctx context.Context) ([]byte, error) {
	o := r.plan.opts
	b := r.buf[:0]
	if r.state == 0 {
		r.state = 1
		switch {
		case o.format == copyBinary:
			// As PostgreSQL, the header goes out with the first row (or
			// the trailer).
			b = appendCopyBinaryHeader(b)
		case o.header:
			return r.finishLine(r.appendHeader(b))
		}
	}
	if r.state == 2 {
		return nil, nil
	}
	row, err := r.res.Next(ctx)
	if err != nil {
		return nil, err
	}
	if row == nil {
		r.state = 2
		if o.format == copyBinary {
			r.buf = appendCopyBinaryTrailer(b)
			return r.buf, nil
		}
		return nil, nil
	}
	if o.format == copyBinary {
		return r.appendBinaryRow(b, row)
	}
	return r.finishLine(r.appendTextRow(r.buf[:0], row))
}

func (r *copyOutResult) appendHeader(b []byte) []byte {
	o, cols := r.plan.opts, r.plan.cols
	for i, c := range cols {
		if i > 0 {
			b = append(b, o.delim)
		}
		if o.format == copyCSV {
			b = appendCSVField(b, []byte(c.name), o, false, len(cols) == 1)
		} else {
			b = appendTextField(b, []byte(c.name), o.delim)
		}
	}
	return b
}

func (r *copyOutResult) appendTextRow(b []byte, row []types.Datum) []byte {
	o, cols := r.plan.opts, r.plan.cols
	for i, v := range row {
		if i > 0 {
			b = append(b, o.delim)
		}
		if v == nil {
			b = append(b, o.null...)
			continue
		}
		r.scratch = cols[i].typ.AppendText(r.scratch[:0], v, r.fs)
		if o.format == copyCSV {
			force := r.plan.forceQuote != nil && r.plan.forceQuote[i]
			b = appendCSVField(b, r.scratch, o, force, len(cols) == 1)
		} else {
			b = appendTextField(b, r.scratch, o.delim)
		}
	}
	return b
}

// finishLine ends a line and converts it to the data's encoding.
func (r *copyOutResult) finishLine(b []byte) ([]byte, error) {
	b = append(b, '\n')
	if r.enc != nil {
		var err error
		if b, err = pgenc.FromUTF8InPlace(b, r.enc); err != nil {
			return nil, err
		}
	}
	r.buf = b
	return b, nil
}

func (r *copyOutResult) appendBinaryRow(b []byte, row []types.Datum) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
	for i, v := range row {
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, 0xffffffff)
			continue
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		var err error
		if b, err = r.plan.cols[i].typ.AppendBinary(b, v); err != nil {
			return nil, err
		}
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	r.buf = b
	return b, nil
}
