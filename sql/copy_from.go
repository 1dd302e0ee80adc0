package sql

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// copyFromPlan is COPY table [(cols)] FROM STDIN: each row of the data
// fills the listed columns, the others take their defaults, and the row
// is checked and written exactly as by INSERT (tableWriter). The whole
// COPY is one statement: an error anywhere leaves nothing of it.
type copyFromPlan struct {
	w       *tableWriter
	table   string // the relation's name, for the error context
	targets []int  // table positions of the data's columns
	opts    *copyOptions
	// forceNotNull and forceNull are per data column (CSV).
	forceNotNull, forceNull []bool
	where                   expr.Expr // nil: every row
}

func (pl *planner) planCopyFrom(p *Prepared, n *pg_query.CopyStmt) (plan, error) {
	d, err := pl.copyRelation(n.Relation)
	if err != nil {
		return nil, err
	}
	inserted := pl.needColumns("a", d, false)
	opts, err := parseCopyOptions(n.Options, true)
	if err != nil {
		return nil, err
	}
	if err := checkCopyKind(d, true); err != nil {
		return nil, err
	}
	w, err := pl.writer(d)
	if err != nil {
		return nil, err
	}
	cp := &copyFromPlan{w: w, table: d.Name, opts: opts}
	if cp.targets, err = copyColumnsOf(d, w.cols, n.Attlist); err != nil {
		return nil, err
	}
	for _, t := range cp.targets {
		inserted.mark(w.cols[t].attNum)
	}
	w.noteWritten(inserted)
	if cp.forceNotNull, err = forceFlags("FORCE_NOT_NULL", opts.forceNotNull, w.cols, d.Name, cp.targets); err != nil {
		return nil, err
	}
	if cp.forceNull, err = forceFlags("FORCE_NULL", opts.forceNull, w.cols, d.Name, cp.targets); err != nil {
		return nil, err
	}
	if n.WhereClause != nil {
		if err := copyWhereGenerated(d, n.WhereClause); err != nil {
			return nil, err
		}
		b := pl.builder(newScope(w.cols, &level{}, nil), "COPY FROM WHERE condition")
		b.SubLink = nil // PostgreSQL refuses subqueries here
		e, err := b.BuildAs(n.WhereClause, types.Bool, "WHERE")
		if err != nil {
			return nil, err
		}
		cp.where = e
	}
	p.Copy = &CopyInfo{From: true, Binary: opts.format == copyBinary, Columns: len(cp.targets)}
	return cp, nil
}

// ExecuteCopyFrom runs a COPY FROM STDIN statement over the client's
// data. The source is first read once the COPY has passed its checks
// (the wire layer sends CopyInResponse then).
func (s *Session) ExecuteCopyFrom(ctx context.Context, p *Prepared, params []types.Datum, src CopySource) (Result, error) {
	s.copySrc = src
	defer func() { s.copySrc = nil }()
	return s.Execute(ctx, p, params)
}

func (cp *copyFromPlan) run(s *Session, ec *expr.Context) (Result, error) {
	src := s.copySrc
	if src == nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "COPY FROM STDIN is not possible here")
	}
	x, err := s.newExecCtx(ec)
	if err != nil {
		return nil, err
	}
	if x.txn.ReadOnly() {
		return nil, pgerror.New(pgcode.ReadOnlySQLTransaction, "cannot execute COPY FROM in a read-only transaction")
	}
	if cp.opts.freeze {
		// stela keeps every version: there is nothing to freeze, and
		// PostgreSQL refuses FREEZE for a table older than the
		// transaction, which every stela table is to a COPY.
		return nil, pgerror.New(pgcode.ObjectNotInPrerequisiteState,
			"cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction")
	}
	if err := cp.opts.checkBinaryEncoding(x.sess); err != nil {
		return nil, err
	}
	l := &copyLoader{plan: cp, x: x, row: make([]types.Datum, len(cp.w.cols)), isTarget: make([]bool, len(cp.w.cols)),
		enc: cp.opts.dataEncoding(x.sess)}
	for _, t := range cp.targets {
		l.isTarget[t] = true
	}
	if l.bound, err = cp.w.layout.NewAppendBound(x.txn); err != nil {
		return nil, err
	}
	var n int64
	if cp.opts.format == copyBinary {
		n, err = l.loadBinary(src)
	} else {
		n, err = l.loadText(src)
	}
	if err != nil {
		return nil, evalError(x.ctx, err)
	}
	// Foreign keys are checked at the end of the statement, outside the
	// line context, as PostgreSQL's AFTER triggers are.
	if err := x.runFKChecks(); err != nil {
		return nil, evalError(x.ctx, err)
	}
	return &tagResult{tag: "COPY " + itoa64(n)}, nil
}

// copyLoader is the state of one COPY FROM while it runs.
type copyLoader struct {
	plan     *copyFromPlan
	x        *execCtx
	row      []types.Datum // reused: the writer keeps no reference to it
	isTarget []bool
	lineNo   int64
	enc      *pgenc.Encoding // the data's, when not UTF-8
	conv     []byte          // a line of another encoding converted to UTF-8
	bound    *engine.AppendBound
	fields   copyFields
}

// loadText reads text or CSV data.
func (l *copyLoader) loadText(src CopySource) (int64, error) {
	cp, o := l.plan, l.plan.opts
	r := newCopyLineReader(src, o)
	fs := l.x.sess.FormatSettings()
	var n int64
	for first := true; ; first = false {
		line, ok, err := r.next()
		l.lineNo = r.lineNo
		if err != nil {
			return n, l.bare(err)
		}
		if !ok {
			return n, nil
		}
		if line, err = l.decodeLine(line); err != nil {
			return n, l.bare(err)
		}
		if first && o.header {
			if o.headerMatch {
				if err := l.matchHeader(line); err != nil {
					return n, l.withLine(err, line)
				}
			}
			continue
		}
		if err := l.split(line); err != nil {
			return n, l.withLine(err, line)
		}
		f := &l.fields
		if len(cp.targets) == 0 {
			if len(line) != 0 {
				return n, l.withLine(badCopy("extra data after last expected column"), line)
			}
		} else if f.len() > len(cp.targets) {
			return n, l.withLine(badCopy("extra data after last expected column"), line)
		}
		for i, t := range cp.targets {
			if i >= f.len() {
				return n, l.withLine(pgerror.Newf(pgcode.BadCopyFileFormat, "missing data for column \"%s\"", cp.w.cols[t].name), line)
			}
			v, null := f.value(i)
			if o.format == copyCSV {
				if null && cp.forceNotNull != nil && cp.forceNotNull[i] {
					v, null = []byte(o.null), false
				} else if !null && cp.forceNull != nil && cp.forceNull[i] && string(v) == o.null {
					null = true
				}
			}
			if null {
				l.row[t] = nil
				continue
			}
			d, err := cp.w.cols[t].typ.ParseText(string(v), fs)
			if err != nil {
				return n, l.withColumn(err, cp.w.cols[t].name, v)
			}
			l.row[t] = d
		}
		ok, err = l.write()
		if err != nil {
			if isLineError(err) {
				return n, l.withLine(err, line)
			}
			return n, l.bare(err)
		}
		if ok {
			n++
		}
		if n&1023 == 0 {
			if err := l.x.ctx.Err(); err != nil {
				return n, err
			}
		}
	}
}

// decodeLine checks (or, for data of another encoding, converts) a
// line's encoding.
func (l *copyLoader) decodeLine(line []byte) ([]byte, error) {
	if l.enc != nil {
		var err error
		l.conv, err = pgenc.AppendConvert(l.conv[:0], line, l.enc, pgenc.UTF8)
		return l.conv, err
	}
	return line, types.CheckEncodingBytes(line)
}

func (l *copyLoader) split(line []byte) error {
	if l.plan.opts.format == copyCSV {
		return splitCSV(line, l.plan.opts, &l.fields)
	}
	return splitText(line, l.plan.opts.delim, l.plan.opts.null, &l.fields)
}

// matchHeader checks a header line against the column names (HEADER
// MATCH).
func (l *copyLoader) matchHeader(line []byte) error {
	if err := l.split(line); err != nil {
		return err
	}
	cp := l.plan
	if l.fields.len() != len(cp.targets) {
		return pgerror.Newf(pgcode.BadCopyFileFormat, "wrong number of fields in header line: got %d, expected %d", l.fields.len(), len(cp.targets))
	}
	for i, t := range cp.targets {
		name := cp.w.cols[t].name
		v, null := l.fields.value(i)
		if null {
			return pgerror.Newf(pgcode.BadCopyFileFormat, "column name mismatch in header line field %d: got null value (\"%s\"), expected \"%s\"", i+1, cp.opts.null, name)
		}
		if string(v) != name {
			return pgerror.Newf(pgcode.BadCopyFileFormat, "column name mismatch in header line field %d: got \"%s\", expected \"%s\"", i+1, string(v), name)
		}
	}
	return nil
}

// write completes the row with defaults, filters it by WHERE, checks it
// and writes it; ok is false for a row WHERE dropped.
func (l *copyLoader) write() (bool, error) {
	w, x := l.plan.w, l.x
	for i := range l.row {
		if !l.isTarget[i] {
			if w.defaults[i] == nil {
				l.row[i] = nil
				continue
			}
			v, err := x.eval(w.defaults[i], nil)
			if err != nil {
				return false, err
			}
			l.row[i] = v
		}
	}
	if l.plan.where != nil {
		if keep, err := x.evalBool(l.plan.where, l.row); err != nil || !keep {
			return false, err
		}
	}
	if err := w.validate(x, l.row); err != nil {
		return false, lineError{err}
	}
	// insertValid, with the bound that spares most rows a read.
	w.guard(x)
	if err := w.layout.InsertBounded(x.txn, l.row, l.bound); err != nil {
		return false, w.keyError(x, err)
	}
	w.queueParentChecks(x, l.row, nil)
	return true, nil
}

// lineError marks errors PostgreSQL reports with the line's text (NOT
// NULL and CHECK, raised while the line is at hand); others, such as a
// unique violation found when rows are flushed, get the line number
// only.
type lineError struct{ error }

func (e lineError) Unwrap() error { return e.error }

func isLineError(err error) bool {
	_, ok := err.(lineError)
	return ok
}

// loadBinary reads binary data: one tuple per "line".
func (l *copyLoader) loadBinary(src CopySource) (int64, error) {
	cp := l.plan
	r := &copyBinaryReader{in: copyInput{src: src}}
	// Header errors come before the line context exists.
	if err := r.readHeader(); err != nil {
		return 0, err
	}
	var n int64
	for {
		l.lineNo++
		count, ok, err := r.tuple()
		if err != nil {
			return n, l.bare(err)
		}
		if !ok {
			return n, nil
		}
		if count != len(cp.targets) {
			return n, l.bare(pgerror.Newf(pgcode.BadCopyFileFormat, "row field count is %d, expected %d", count, len(cp.targets)))
		}
		for _, t := range cp.targets {
			b, null, err := r.field()
			if err == nil && !null {
				l.row[t], err = cp.w.cols[t].typ.DecodeBinary(b)
			} else if null {
				l.row[t] = nil
			}
			if err != nil {
				return n, l.where(err, ", column "+cp.w.cols[t].name)
			}
		}
		ok, err = l.write()
		if err != nil {
			return n, l.bare(err)
		}
		if ok {
			n++
		}
		if n&1023 == 0 {
			if err := l.x.ctx.Err(); err != nil {
				return n, err
			}
		}
	}
}

// maxCopyDisplay is how much of a line or value an error context shows
// (PostgreSQL's MAX_COPY_DATA_DISPLAY).
const maxCopyDisplay = 100

// The error contexts of PostgreSQL's CopyFromErrorCallback.

func (l *copyLoader) bare(err error) error { return l.where(err, "") }

func (l *copyLoader) withLine(err error, line []byte) error {
	return l.where(err, ": \""+copyDisplay(line)+"\"")
}

func (l *copyLoader) withColumn(err error, col string, v []byte) error {
	return l.where(err, ", column "+col+": \""+copyDisplay(v)+"\"")
}

func (l *copyLoader) where(err error, suffix string) error {
	if le, ok := err.(lineError); ok {
		err = le.error
	}
	if l.x.ctx.Err() != nil {
		return err // a canceled COPY reports the cancel alone
	}
	return pgerror.Flatten(err).WithWhere("COPY " + l.plan.table + ", line " + itoa64(l.lineNo) + suffix)
}

// copyDisplay shortens data for an error context: at most 100 bytes, cut
// at a character boundary, then "...".
func copyDisplay(b []byte) string {
	if i := indexNUL(b); i >= 0 {
		b = b[:i] // PostgreSQL's C strings end there
	}
	if len(b) <= maxCopyDisplay {
		return string(b)
	}
	n := maxCopyDisplay
	for n > 0 && b[n]&0xc0 == 0x80 {
		n--
	}
	return string(b[:n]) + "..."
}

func indexNUL(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}
