package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"sync"

	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Sequences, as PostgreSQL's, are not transactional: a value handed out
// is never handed out again, even if the transaction that took it rolls
// back. Values are reserved from the log in blocks (one kv transaction
// records the block's end), so a crash may skip up to a block's worth of
// values, as PostgreSQL's own log-ahead of sequences does.

// SeqKey is the kv key of a sequence's reserved high-water mark:
//
//	0x01 'q' id(4) [incarnation(8)]   big-endian int64, the last value
//	                                  reserved; then 0x01 when setval
//	                                  (v, false) wrote it: v is the
//	                                  next value, not handed out yet
//
// The incarnation (SeqParams) is left out when 0, for sequences made
// before it existed.
func SeqKey(id uint32, incarnation uint64) []byte {
	k := binary.BigEndian.AppendUint32([]byte{0x01, 'q'}, id)
	if incarnation != 0 {
		k = binary.BigEndian.AppendUint64(k, incarnation)
	}
	return k
}

// SeqParams describe a sequence.
type SeqParams struct {
	ID uint32
	// Incarnation tells apart sequences that had one id: one created in
	// a transaction that rolled back and the next to take its id
	// (catalog/seqincarnation.go). Values are kept per id and
	// incarnation.
	Incarnation uint64
	Start       int64
	Increment   int64
	Min, Max    int64
	Cycle       bool
	Name        string
}

// seqBlock is how many values one reservation covers beyond the one
// handed out: PostgreSQL's SEQ_LOG_VALS, so that log_cnt (SeqRow) counts
// down as PostgreSQL's does.
const seqBlock = 32

type seqState struct {
	mu     sync.Mutex
	loaded bool
	last   int64 // last value handed out, or set by setval
	called bool  // whether any value was handed out (else next is Start)
	// setNext is setval(v, false)'s state: the next value is last
	// itself, and none counts as handed out (pg_sequences shows NULL).
	setNext  bool
	reserved int64 // values up to here are reserved in the log
}

type sequences struct {
	mu sync.Mutex
	m  map[seqID]*seqState
}

type seqID struct {
	id          uint32
	incarnation uint64
}

func (db *DB) seq(p SeqParams) *seqState {
	db.seqs.mu.Lock()
	defer db.seqs.mu.Unlock()
	if db.seqs.m == nil {
		db.seqs.m = map[seqID]*seqState{}
	}
	k := seqID{p.ID, p.Incarnation}
	s, ok := db.seqs.m[k]
	if !ok {
		s = &seqState{}
		db.seqs.m[k] = s
	}
	return s
}

// NextVal returns the sequence's next value (nextval()).
func (db *DB) NextVal(ctx context.Context, p SeqParams) (int64, error) {
	s := db.seq(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		if err := db.loadSeq(s, p); err != nil {
			return 0, err
		}
	}
	next, wrapped := p.Start, false
	if s.setNext {
		next = s.last
	} else if s.called {
		var ok bool
		next, ok = addNoOverflow(s.last, p.Increment)
		if !ok || next > p.Max || next < p.Min {
			if !p.Cycle {
				bound, which := p.Max, "maximum"
				if p.Increment < 0 {
					bound, which = p.Min, "minimum"
				}
				return 0, pgerror.Newf(pgcode.SequenceGeneratorLimitExceeded, "nextval: reached %s value of sequence \"%s\" (%d)", which, p.Name, bound)
			}
			next = p.Min
			if p.Increment < 0 {
				next = p.Max
			}
			wrapped = true
		}
	}
	// A first value, one after setval and one after a cycle wrapped
	// start a new block, as PostgreSQL logs them: the reserved mark is
	// behind them (or was not written).
	if (p.Increment > 0 && next > s.reserved) || (p.Increment < 0 && next < s.reserved) || !s.called || wrapped {
		end, _ := addNoOverflow(next, p.Increment*seqBlock)
		if p.Increment > 0 && (end > p.Max || end < next) {
			end = p.Max
		}
		if p.Increment < 0 && (end < p.Min || end > next) {
			end = p.Min
		}
		if err := db.reserveSeq(ctx, p, end); err != nil {
			return 0, err
		}
		s.reserved = end
	}
	s.last, s.called, s.setNext = next, true, false
	return next, nil
}

// SetVal sets the sequence's current value (setval()): the next nextval
// returns the following one (or this one when isCalled is false).
func (db *DB) SetVal(ctx context.Context, p SeqParams, v int64, isCalled bool) error {
	if v < p.Min || v > p.Max {
		return pgerror.Newf(pgcode.NumericValueOutOfRange, "setval: value %d is out of bounds for sequence \"%s\" (%d..%d)", v, p.Name, p.Min, p.Max)
	}
	s := db.seq(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := db.writeSeq(ctx, p, v, !isCalled); err != nil {
		return err
	}
	s.loaded, s.reserved = true, v
	// Not called, the next nextval hands out v itself.
	s.last, s.called, s.setNext = v, isCalled, !isCalled
	return nil
}

// LastValue is the sequence's last value handed out by any session, as
// pg_sequences.last_value shows it; ok is false when none was handed out
// yet (NULL there). After a restart it is the end of the last reserved
// block, the value the next nextval continues from, as PostgreSQL shows
// the last value written to disk.
func (db *DB) LastValue(p SeqParams) (v int64, ok bool, err error) {
	s := db.seq(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		if err := db.loadSeq(s, p); err != nil {
			return 0, false, err
		}
	}
	return s.last, s.called, nil
}

// SeqRow is a sequence read as a relation (SELECT * FROM seq), as
// PostgreSQL shows its one row.
type SeqRow struct {
	// LastValue is the last value handed out or set by setval; before
	// the first nextval, the value it will hand out (START).
	LastValue int64
	// LogCnt is how many values past LastValue are already reserved in
	// the log, so that nextval hands them out without writing: 0 until
	// a nextval reserves a block.
	LogCnt   int64
	IsCalled bool
}

// SeqRow reads the sequence's current state, shared by all sessions and
// not transactional.
func (db *DB) SeqRow(p SeqParams) (SeqRow, error) {
	s := db.seq(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.loaded {
		if err := db.loadSeq(s, p); err != nil {
			return SeqRow{}, err
		}
	}
	if !s.called {
		if s.setNext {
			return SeqRow{LastValue: s.last}, nil
		}
		return SeqRow{LastValue: p.Start}, nil
	}
	r := SeqRow{LastValue: s.last, IsCalled: true}
	// Unsigned: the distance may not fit an int64 (a sequence over the
	// whole range).
	switch {
	case p.Increment > 0 && s.reserved > s.last:
		r.LogCnt = int64((uint64(s.reserved) - uint64(s.last)) / uint64(p.Increment) & (1<<63 - 1))
	case p.Increment < 0 && s.reserved < s.last:
		r.LogCnt = int64((uint64(s.last) - uint64(s.reserved)) / uint64(-p.Increment) & (1<<63 - 1))
	}
	return r, nil
}

// loadSeq reads the reserved mark: after a restart, the sequence resumes
// after everything that was reserved.
func (db *DB) loadSeq(s *seqState, p SeqParams) error {
	s.loaded = true
	last := db.store.LastTx()
	if last == 0 {
		return nil
	}
	v, err := db.store.GetAt(SeqKey(p.ID, p.Incarnation), last)
	if err != nil {
		if errors.Is(err, kv.ErrNotFound) {
			return nil
		}
		return StorageError(err)
	}
	if len(v.Value) != 8 && (len(v.Value) != 9 || v.Value[8] != 1) {
		return pgerror.Newf(pgcode.DataCorrupted, "sequence \"%s\": state malformed", p.Name)
	}
	r := int64(binary.BigEndian.Uint64(v.Value))
	s.last, s.called, s.reserved = r, true, r
	if len(v.Value) == 9 {
		// setval(r, false) was the last write: r itself comes next.
		s.called, s.setNext = false, true
	}
	return nil
}

func (db *DB) reserveSeq(ctx context.Context, p SeqParams, upTo int64) error {
	return db.writeSeq(ctx, p, upTo, false)
}

// writeSeq logs the sequence's mark (SeqKey's format); unused marks a
// value set by setval(v, false), which a restart must hand out itself.
func (db *DB) writeSeq(ctx context.Context, p SeqParams, mark int64, unused bool) error {
	val := binary.BigEndian.AppendUint64(nil, uint64(mark))
	if unused {
		val = append(val, 1)
	}
	_, err := db.store.Commit(ctx, []kv.Write{{Key: SeqKey(p.ID, p.Incarnation), Value: val}})
	return StorageError(err)
}

func addNoOverflow(a, b int64) (int64, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}
