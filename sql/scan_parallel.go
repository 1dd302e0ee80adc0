package sql

import (
	"context"
	"encoding/binary"
	"math/bits"
	"sync"
	"sync/atomic"

	"github.com/rs/zerolog"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/internal/panicked"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/types"
)

// A parallel scan (parallel.go says which scans are) reads one key range
// of a table's rows as chunksPerReader ranges per reader: the statement's
// goroutine and its workers. The statement's goroutine prepares every
// range's scan when the scan opens (a transaction's bookkeeping of what
// it read is its goroutine's alone, engine.PreparedScan). Then each
// reader takes ranges in turn and opens their iterators: a worker
// decodes its rows into batches it passes on, filtered when the filter
// allows it (scan_parallel_filter.go); the statement's goroutine hands
// on the rows of its own ranges as it reads them, and between them,
// every pollRows rows, the batches the workers passed, filtering those
// the workers did not. Taking ranges in turn evens out the work when the
// split (by key values, splitKeys) leaves ranges of unequal size, and a
// statement's goroutine that reads too, as PostgreSQL's leader does,
// rarely waits for a batch: a wait, and the wake-up that ends it, cost
// more than a batch's rows on this kind of machine.
//
// Every iterator is opened and closed by the reader that took its range.
// A worker's panic is an error of the statement, logged with its stack,
// not the end of the process.

const (
	// chunksPerReader is how many ranges each reader's share is cut into.
	chunksPerReader = 4
	// batchRows and batchBytes bound a batch: rows, and bytes of the
	// rows' encoded values (rows of large values make small batches).
	batchRows  = 1024
	batchBytes = 1 << 20
	// pollRows is how many of its own rows the statement's goroutine
	// hands on between looks for a worker's batch.
	pollRows = 256
)

// rowBatch is a batch of rows a worker decoded, or the error that ended
// its work. It holds only the values the consumer reads (parallelScan.
// cols), packed: moving a row from the worker's CPU to the statement's
// costs by the cache line, and most reads want few of a row's columns
// (none, for count(*)).
type rowBatch struct {
	n    int           // rows
	vals []types.Datum // n rows of len(cols) values
	err  error
}

type parallelScan struct {
	x *execCtx
	// own reads the statement's goroutine's ranges, one at a time in its
	// iterator (own.it), and filters every row, as a plain scan does.
	own    *scanIter
	layout *engine.Layout
	// ctx, log, need, readsNone, sys, rel (the table's OID, for
	// tableoid) and reuse are what the workers and unpack read of the
	// statement and the plan, copied at open.
	ctx       context.Context
	log       zerolog.Logger
	need      []bool
	readsNone bool
	sys       bool
	rel       uint32
	reuse     bool
	// filters, one per worker, are set when the workers filter their
	// rows (scan_parallel_filter.go), decoding them by split, and with
	// borrowed set read where the storage engine has them.
	filters  []*workerFilter
	split    *decodeSplit
	borrowed bool
	scans    []*engine.PreparedScan
	// taken counts the ranges readers took (it may pass len(scans)).
	taken atomic.Int64
	out   chan *rowBatch
	// free returns the batches the statement's goroutine has unpacked
	// to the workers.
	free   chan *rowBatch
	stop   chan struct{}
	wg     sync.WaitGroup
	closed bool
	// batch is the worker's batch being handed on, k its next row.
	batch *rowBatch
	k     int
	// cols are the positions of the values a batch holds of each row:
	// the columns read (need), then the system columns'.
	cols []int
	// width is a row's length; unpacked, when the consumer reuses, the
	// row a batch's rows are unpacked into.
	width    int
	unpacked []types.Datum
	// ownDone is set when no range is left for the statement's
	// goroutine; polled counts its rows since it last looked for a
	// batch.
	ownDone bool
	polled  int
	// workersDone is set once every worker is gone and its batches
	// handed on.
	workersDone bool
}

// openParallel opens a parallel scan of span, or a plain one when the
// span's rows do not split (fewer than two distinct keys).
func (n *scanNode) openParallel(x *execCtx, serial *scanIter, span kv.Range) (rowIter, error) {
	lo, hi, err := spanEnds(serial.reads, span)
	if err != nil {
		return nil, err
	}
	var cuts [][]byte
	if lo != nil && hi != nil {
		cuts = splitKeys(lo, hi, (n.workers+1)*chunksPerReader)
	}
	if len(cuts) == 0 {
		return serial, nil
	}
	p := &parallelScan{x: x, own: serial, layout: serial.layout,
		ctx: x.ctx, need: n.need, readsNone: n.readsNone, sys: n.sys, rel: n.desc.ID, reuse: n.reuse,
		out: make(chan *rowBatch, 2*n.workers), free: make(chan *rowBatch, 2*n.workers+1),
		stop: make(chan struct{}), width: len(serial.layout.Types)}
	if x.sess != nil {
		p.log = x.sess.log
	}
	for i := range p.width {
		if n.need == nil || n.need[i] {
			p.cols = append(p.cols, i)
		}
	}
	if n.sys {
		for i := range systemWidth {
			p.cols = append(p.cols, p.width+i)
		}
		p.width += systemWidth
	}
	if n.workersFilter && serial.filter != nil {
		// The workers decode as the statement's goroutine does, by its
		// split, and may borrow as it does (scan.go).
		for range n.workers {
			p.filters = append(p.filters, newWorkerFilter(x, serial.filter))
		}
		p.split = serial.split
	} else {
		// The workers decode every column read at once: they may read
		// where the storage engine has the rows only if no decoder keeps
		// the bytes (the plain scan's borrow may rest on its split).
		serial.borrow = serial.layout.DecodeRowCopies(n.need)
	}
	p.borrowed = serial.borrow
	start := span.Start
	for i := 0; i <= len(cuts); i++ {
		r := kv.Range{Start: start, End: span.End}
		if i < len(cuts) {
			r.End = cuts[i]
			start = cuts[i]
		}
		ps, err := serial.reads.PrepareScan(r, false, serial.borrow, false)
		if err != nil {
			return nil, err
		}
		p.scans = append(p.scans, ps)
	}
	p.wg.Add(n.workers)
	for i := range n.workers {
		var f *workerFilter
		if p.filters != nil {
			f = p.filters[i]
		}
		go p.work(f)
	}
	go func() {
		p.wg.Wait()
		close(p.out)
	}()
	return p, nil
}

// spanEnds returns the first and the last key of span (nil: none). It
// notes the span as read, once: the ranges it is cut into are not.
func spanEnds(reads engine.Reads, span kv.Range) (lo, hi []byte, err error) {
	for _, reverse := range []bool{false, true} {
		ps, err := reads.PrepareScan(span, reverse, true, !reverse)
		if err != nil {
			return nil, nil, err
		}
		it, err := ps.Open()
		if err != nil {
			return nil, nil, err
		}
		var key []byte
		if it.Next() {
			key = append([]byte(nil), it.Key()...)
		}
		if err := it.Close(); err != nil {
			return nil, nil, err
		}
		if reverse {
			hi = key
		} else {
			lo = key
		}
	}
	return lo, hi, nil
}

// splitKeys returns up to n-1 increasing keys above lo and below hi
// (lo < hi) that cut the keys between them into n ranges, evenly for
// keys spread evenly over the values their bytes spell: the 8 bytes
// after the prefix lo and hi share are read as numbers and the cuts
// placed at equal steps between them. Keys of sequential integers split
// evenly; others (text, gaps) unevenly, which the taking of ranges in
// turn makes up for.
func splitKeys(lo, hi []byte, n int) [][]byte {
	p := 0
	for p < len(lo) && p < len(hi) && lo[p] == hi[p] {
		p++
	}
	a, b := word8(lo[p:]), word8(hi[p:])
	if b <= a {
		return nil // hi is lo followed by 8 zero bytes
	}
	var out [][]byte
	last := a
	for i := 1; i < n; i++ {
		// a + (b-a)*i/n, without overflow.
		h, l := bits.Mul64(b-a, uint64(i))
		q, _ := bits.Div64(h, l, uint64(n))
		v := a + q
		if v <= last {
			continue
		}
		last = v
		k := make([]byte, p+8)
		copy(k, lo[:p])
		binary.BigEndian.PutUint64(k[p:], v)
		out = append(out, k)
	}
	return out
}

// word8 reads the first 8 bytes of b as a big-endian number, b padded
// with zeros.
func word8(b []byte) uint64 {
	var w [8]byte
	copy(w[:], b)
	return binary.BigEndian.Uint64(w[:])
}

func (p *parallelScan) next() ([]types.Datum, error) {
	for {
		switch {
		case p.batch != nil && p.k < p.batch.n:
			// A worker's row, filtered here unless it was by the worker.
			row := p.unpack(p.batch, p.k)
			p.k++
			if p.filters != nil {
				return row, nil
			}
			if ok, err := p.own.keep(row); err != nil || !ok {
				if err != nil {
					return nil, err
				}
				continue
			}
			return row, nil
		case !p.workersDone && (p.ownDone || p.polled >= pollRows):
			// Between its own rows, or once none is left, the batches
			// the workers passed: waiting for one only when its own
			// ranges are done.
			p.polled = 0
			if p.batch != nil {
				p.recycle(p.batch)
				p.batch = nil
			}
			if err := p.x.checkCanceled(); err != nil {
				return nil, err
			}
			var b *rowBatch
			ok := true
			if p.ownDone {
				b, ok = <-p.out
			} else {
				select {
				case b, ok = <-p.out:
				default:
				}
			}
			switch {
			case !ok:
				// The workers are done (they stop early only when the
				// statement ends); the rest of this goroutine's own
				// range may still be to read.
				p.workersDone = true
			case b == nil:
			case b.err != nil:
				return nil, b.err
			default:
				p.batch, p.k = b, 0
			}
			continue
		case p.ownDone:
			// Every range read, every batch handed on.
			return nil, p.x.checkCanceled()
		default:
			// A row of its own ranges, filtered as it is read.
			row, read, err := p.ownNext()
			if err != nil {
				return nil, err
			}
			if read {
				p.polled++
			}
			if row == nil {
				continue // dropped by the filter, or its ranges are done (ownDone)
			}
			return row, nil
		}
	}
}

// ownNext reads the next row of the statement's goroutine's own ranges,
// reporting whether there was one (read false: none is left to take)
// and returning it if the filter keeps it.
func (p *parallelScan) ownNext() (row []types.Datum, read bool, err error) {
	s := p.own
	for {
		if s.it == nil {
			c := int(p.taken.Add(1)) - 1
			if c >= len(p.scans) {
				p.ownDone = true
				return nil, false, nil
			}
			it, err := p.scans[c].Open()
			if err != nil {
				return nil, false, err
			}
			s.it = it
		}
		if s.it.Next() {
			if err := s.counted(); err != nil {
				return nil, true, err
			}
			row, err := s.kept()
			return row, true, err
		}
		err := s.it.Err()
		if cerr := s.it.Close(); err == nil {
			err = cerr
		}
		s.it = nil
		if err != nil {
			return nil, false, err
		}
	}
}

// recycle gives a batch whose rows were all unpacked (copied out) back
// to the workers.
func (p *parallelScan) recycle(b *rowBatch) {
	select {
	case p.free <- b:
	default:
	}
}

func (p *parallelScan) close() {
	if p.closed {
		return
	}
	p.closed = true
	close(p.stop)
	p.wg.Wait()
	p.own.close()
}

// work takes ranges until none is left, decoding their rows into
// batches it passes on: those f keeps, when the workers filter.
func (p *parallelScan) work(f *workerFilter) {
	defer p.wg.Done()
	var it *engine.Iterator // the range being read, closed here
	defer func() {
		r := recover()
		if it != nil {
			it.Close()
		}
		if r != nil {
			panicked.Log(p.log.Error(), r).
				Msg("a parallel scan's worker panicked; its statement fails, the server goes on")
			p.send(&rowBatch{err: panicked.Error(r, "")})
		}
	}()
	b := p.newBatch()
	row := make([]types.Datum, p.width)
	for !p.stopped() {
		c := int(p.taken.Add(1)) - 1
		if c >= len(p.scans) {
			break
		}
		var err error
		if it, err = p.scans[c].Open(); err != nil {
			p.send(&rowBatch{err: err})
			return
		}
		var ok bool
		if b, ok = p.read(it, b, row, f); !ok {
			return
		}
		err = it.Close()
		it = nil
		if err != nil {
			p.send(&rowBatch{err: err})
			return
		}
	}
	if b.n > 0 {
		p.send(b)
	}
}

// read decodes the rows of one range into b (those f keeps, when set),
// passing b on each time it fills; it returns the batch it is filling,
// and false when the scan stopped or failed. row is the worker's own,
// each row decoded into it and its values read copied into the batch.
func (p *parallelScan) read(it *engine.Iterator, b *rowBatch, row []types.Datum, f *workerFilter) (*rowBatch, bool) {
	w := len(p.cols)
	size := 0
	for k := 1; it.Next(); k++ {
		// A filter that drops rows may pass no batch for a long time:
		// every 1,024 rows read, as a plain scan (scanIter.counted),
		// the worker looks whether the statement ended.
		if k&1023 == 0 && p.stopped() {
			return b, false
		}
		v := it.Value()
		if kept, err := p.decode(row, v, it.Version(), f); err != nil {
			p.send(&rowBatch{err: err})
			return b, false
		} else if !kept {
			continue
		}
		packed := b.vals[b.n*w : (b.n+1)*w]
		for j, c := range p.cols {
			packed[j] = row[c]
		}
		b.n++
		if size += len(v); b.n == batchRows || size >= batchBytes {
			if !p.send(b) {
				return b, false
			}
			b, size = p.newBatch(), 0
		}
	}
	if err := it.Err(); err != nil {
		p.send(&rowBatch{err: err})
		return b, false
	}
	return b, true
}

// decode decodes a worker's row, value v of version ver, into row and
// applies f, if set, to it: false when f drops it. With f and a split,
// the columns f reads are decoded first, the others only if it keeps
// the row (scanIter.materialize).
func (p *parallelScan) decode(row []types.Datum, v []byte, ver engine.RowVersion, f *workerFilter) (bool, error) {
	cols := row[:len(p.layout.Types)]
	need, split := p.need, p.split
	if f == nil {
		split = nil
	} else if split != nil {
		need = split.early
	}
	if !p.readsNone { // else no value is read (scanIter.noColumns): row stays NULL
		if err := p.layout.DecodeColumnsInto(cols, v, need); err != nil {
			return false, err
		}
	}
	if p.sys {
		withSystem(cols, ver, p.rel)
	}
	if f == nil {
		return true, nil
	}
	if ok, err := f.keep(row); err != nil || !ok {
		return false, err
	}
	if split != nil {
		if err := split.decodeLate(p.layout, cols, v, p.borrowed); err != nil {
			return false, err
		}
	}
	return true, nil
}

// unpack returns row k of b: the consumer's reused row, or a new one.
func (p *parallelScan) unpack(b *rowBatch, k int) []types.Datum {
	var row []types.Datum
	if p.reuse {
		row = reusedRow(&p.unpacked, p.width)
	} else {
		row = make([]types.Datum, p.width)
	}
	w := len(p.cols)
	for j, c := range p.cols {
		row[c] = b.vals[k*w+j]
	}
	return row
}

// newBatch returns an empty batch: one the consumer is done with, or a
// new one.
func (p *parallelScan) newBatch() *rowBatch {
	select {
	case b := <-p.free:
		b.n = 0
		return b
	default:
	}
	return &rowBatch{vals: make([]types.Datum, batchRows*len(p.cols))}
}

// send passes b on; it reports false when the scan was closed or the
// statement ended first.
func (p *parallelScan) send(b *rowBatch) bool {
	if p.stopped() {
		return false // select would pick a free slot of out as readily
	}
	select {
	case p.out <- b:
		return true
	case <-p.stop:
		return false
	case <-p.ctx.Done():
		return false
	}
}

// stopped reports whether the scan was closed or its statement ended: a
// worker then takes no more ranges and passes no more batches.
func (p *parallelScan) stopped() bool {
	select {
	case <-p.stop:
		return true
	case <-p.ctx.Done():
		return true
	default:
		return false
	}
}
