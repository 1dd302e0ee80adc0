package kv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// VerifyError reports the first transaction whose stored data does not
// match its hashes. It wraps ErrCorrupt.
type VerifyError struct {
	TxID uint64
	Err  error
}

func (e *VerifyError) Error() string { return fmt.Sprintf("kv: verify: tx %d: %v", e.TxID, e.Err) }

// Unwrap returns the cause, which wraps ErrCorrupt.
func (e *VerifyError) Unwrap() error { return e.Err }

// VerifyReport sums up a successful verification.
type VerifyReport struct {
	Txs      uint64      // transactions checked
	Entries  uint64      // entries checked (= version records)
	Root     merkle.Hash // recomputed root of the whole log
	Duration time.Duration
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Progress, when set, is called about once a second with the number of
	// transactions checked and the total.
	Progress func(done, total uint64)
	// Trusted, when set, is a checkpoint of this log obtained earlier (for
	// example from an auditor). Verify fails unless the recomputed root at
	// Trusted.Size equals Trusted.Root: the log only grew since then.
	Trusted *Checkpoint
}

// Verify recomputes every hash of the log from what is stored: each
// entry's digest from its stored value, each transaction's entries root,
// each leaf, and every stored Merkle node. It checks that the version
// records and the transactions' entry lists agree one to one. It returns a
// *VerifyError naming the first transaction that does not match.
func (s *Store) Verify(ctx context.Context, opts VerifyOptions) (rep VerifyReport, err error) {
	if err := s.refs.acquire(); err != nil {
		return rep, err
	}
	defer s.refs.release()
	defer recoverFatal(&err)
	start := time.Now()
	size := s.LastTx()
	if opts.Trusted != nil {
		if opts.Trusted.Origin != s.origin {
			return rep, fmt.Errorf("kv: verify: trusted checkpoint is for %q, this log is %q", opts.Trusted.Origin, s.origin)
		}
		if opts.Trusted.Size > size {
			return rep, &VerifyError{TxID: size + 1, Err: corruptf("the trusted checkpoint has %d transactions; the log only %d (truncated or rolled back)", opts.Trusted.Size, size)}
		}
	}

	v := verifier{s: s, fr: &merkle.Frontier{}, nodes: s.diskNodes()}
	hit, err := s.reads().NewIter(&pebble.IterOptions{LowerBound: txKey(prefixHeader, 1), UpperBound: []byte{prefixHeader + 1}})
	if err != nil {
		return rep, err
	}
	defer hit.Close()
	eit, err := s.reads().NewIter(&pebble.IterOptions{LowerBound: txKey(prefixEntries, 1), UpperBound: []byte{prefixEntries + 1}})
	if err != nil {
		return rep, err
	}
	defer eit.Close()

	lastReport := time.Now()
	hok, eok := hit.First(), eit.First()
	var hbuf []byte // the header record, kept while hit moves to the list
	var lbuf []byte // the entry list when under its own key, copied
	for txID := uint64(1); txID <= size; txID++ {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if hok && isEntryListPartKey(hit.Key()) {
			return rep, strayListPart(hit.Key())
		}
		if !hok || len(hit.Key()) != 9 || txIDFromKey(hit.Key()) != txID {
			return rep, &VerifyError{TxID: txID, Err: corruptf("header is missing")}
		}
		hv, err := hit.ValueAndErr()
		if err != nil {
			return rep, txReadError(txID, err)
		}
		hbuf = append(hbuf[:0], hv...)
		hr, err := s.splitHeaderRecord(txID, hbuf)
		if err != nil {
			return rep, txReadError(txID, err)
		}
		hok = hit.Next()
		// The entry list is in the header record or under its own key,
		// never both, and that key is the one of the tx's store format
		// (headerrecord.go).
		inHeaders := hok && isEntryListKey(hit.Key()) && txIDFromKey(hit.Key()) == txID
		pastList := false
		inE := eok && txIDFromKey(eit.Key()) == txID
		hasKey, stray := inHeaders, inE
		if txID < s.listsFrom {
			hasKey, stray = inE, inHeaders
		}
		switch {
		case stray:
			return rep, &VerifyError{TxID: txID, Err: corruptf("entry list is under the key of another store format")}
		case len(hr.entries) > 0 && hasKey:
			return rep, &VerifyError{TxID: txID, Err: corruptf("entry list is both in the header record and under its own key")}
		case len(hr.entries) == 0 && !hasKey:
			return rep, &VerifyError{TxID: txID, Err: corruptf("entry list is missing")}
		case inHeaders:
			// The list's parts (format 4) follow its key; each is valid
			// only until the iterator moves, so the list is copied.
			lbuf = lbuf[:0]
			for i := uint32(1); ; i++ {
				part, err := hit.ValueAndErr()
				if err != nil {
					return rep, txReadError(txID, err)
				}
				lbuf = append(lbuf, part...)
				if !moreListParts(part) {
					break
				}
				if !hit.Next() || !bytes.Equal(hit.Key(), entryListPartKey(txID, i)) {
					pastList = true // hit is at the next transaction's header
					break
				}
			}
			hr.entries = lbuf
		case inE:
			if hr.entries, err = eit.ValueAndErr(); err != nil {
				return rep, txReadError(txID, err)
			}
		}
		if err := v.checkTx(txID, hr); err != nil {
			return rep, txReadError(txID, err)
		}
		if opts.Trusted != nil && txID == opts.Trusted.Size && v.fr.Root() != opts.Trusted.Root {
			return rep, &VerifyError{TxID: txID, Err: corruptf("root at size %d is %s; the trusted checkpoint says %s", txID, v.fr.Root(), opts.Trusted.Root)}
		}
		switch {
		case pastList:
			hok = hit.Valid()
		case inHeaders:
			hok = hit.Next()
		}
		if inE {
			eok = eit.Next()
		}
		if opts.Progress != nil && time.Since(lastReport) >= time.Second {
			opts.Progress(txID, size)
			lastReport = time.Now()
		}
	}
	if err := errors.Join(hit.Error(), eit.Error()); err != nil {
		return rep, storageErr(err)
	}
	// A store whose write path failed may still show the failed group's
	// records beyond size (pebble applied them before the sync failed).
	// They are not part of the log; anywhere else they would be corruption.
	failed := s.Failed() != nil
	if hok && isEntryListPartKey(hit.Key()) && txIDFromKey(hit.Key()) <= size {
		return rep, strayListPart(hit.Key())
	}
	if (hok || eok) && !failed {
		return rep, &VerifyError{TxID: size + 1, Err: corruptf("records exist beyond the last transaction")}
	}
	if st := s.state.load(); v.fr.Root() != st.root && size == st.size {
		return rep, &VerifyError{TxID: size, Err: corruptf("recomputed root %s differs from the stored tree's %s", v.fr.Root(), st.root)}
	}
	if err := v.checkVersionCount(size, failed); err != nil {
		return rep, err
	}
	if opts.Progress != nil {
		opts.Progress(size, size)
	}
	return VerifyReport{Txs: size, Entries: v.entries, Root: v.fr.Root(), Duration: time.Since(start)}, nil
}

// verifier carries the state of one Verify run.
type verifier struct {
	s        *Store
	fr       *merkle.Frontier
	nodes    nodeReader
	lastTime int64
	entries  uint64
	leaves   []merkle.Hash
}

// checkTx checks one transaction given its stored header record, whose
// entries are its entry list wherever it was stored.
func (v *verifier) checkTx(txID uint64, hr headerRecord) error {
	h, err := format.DecodeHeader(hr.header)
	if err != nil {
		return err
	}
	if h.TxID != txID {
		return corruptf("header holds tx id %d", h.TxID)
	}
	if h.Time < v.lastTime {
		return corruptf("commit time %d is before the previous transaction's %d", h.Time, v.lastTime)
	}
	v.lastTime = h.Time
	entries, err := decodeEntries(hr.entries, h.Entries)
	if err != nil {
		return err
	}
	v.leaves = v.leaves[:0]
	for i := range entries {
		e := &entries[i]
		if err := v.checkVersion(txID, uint32(i), e, h.Time); err != nil {
			return err
		}
		v.leaves = append(v.leaves, e.LeafHash())
	}
	if root := merkle.RootOf(v.leaves); root != h.EntriesRoot {
		return corruptf("entries root %s; the header says %s", root, merkle.Hash(h.EntriesRoot))
	}
	v.entries += uint64(len(entries))

	// Recompute the log's nodes completed by this leaf and compare each
	// with the stored one.
	var nodeErr error
	v.fr.Append(h.LeafHash(), func(level uint8, index uint64, want merkle.Hash) {
		if nodeErr != nil {
			return
		}
		var got merkle.Hash
		var err error
		if txID >= v.s.nodesFrom {
			got, err = nodeInRecord(hr.nodes, level)
		} else {
			got, err = v.nodes.Node(level, index)
		}
		switch {
		case err != nil:
			nodeErr = err
		case got != want:
			if level == 0 {
				nodeErr = corruptf("header hashes to %s; the log's leaf is %s", want, got)
			} else {
				nodeErr = corruptf("Merkle node (level %d, index %d) is %s; recomputed %s", level, index, got, want)
			}
		}
	})
	return nodeErr
}

// checkVersion checks the version record of one entry against the entry.
func (v *verifier) checkVersion(txID uint64, index uint32, e *format.Entry, time int64) error {
	rec, err := v.s.versionRecordOf(e.Key, txID)
	if err != nil {
		return err
	}
	switch {
	case rec.kind != e.Kind:
		return corruptf("entry %d (%q): version record is a %s, the entry a %s", index, e.Key, rec.kind, e.Kind)
	case rec.index != index:
		return corruptf("entry %d (%q): version record says entry %d", index, e.Key, rec.index)
	case rec.time != time:
		return corruptf("entry %d (%q): version record time %d, header %d", index, e.Key, rec.time, time)
	case !bytes.Equal(rec.metadata, e.Metadata):
		return corruptf("entry %d (%q): version metadata differs from the entry's", index, e.Key)
	}
	if e.Kind == format.KindPut && sha256.Sum256(rec.value) != e.ValueDigest {
		return corruptf("entry %d (%q): stored value does not match its digest", index, e.Key)
	}
	return nil
}

// checkVersionCount checks that there are exactly as many version records
// as entries: with every entry's record found, this makes the two a
// bijection, so no version exists that the log does not account for.
func (v *verifier) checkVersionCount(size uint64, failed bool) error {
	it, err := v.s.reads().NewIter(&pebble.IterOptions{LowerBound: []byte{prefixVersion}, UpperBound: []byte{prefixVersion + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	var n uint64
	for ok := it.First(); ok; ok = it.Next() {
		n++
		key, txID, err := decodeVersionKey(it.Key())
		if err != nil {
			return &VerifyError{Err: err}
		}
		if txID > size {
			if failed {
				n-- // left by the failed group; not part of the log
				continue
			}
			return &VerifyError{TxID: txID, Err: corruptf("version of %q written by a transaction beyond the log", key)}
		}
	}
	if err := it.Error(); err != nil {
		return err
	}
	if n != v.entries {
		return v.findStrayVersion(size, n)
	}
	return nil
}

// findStrayVersion locates a version record no transaction lists, once the
// count showed there is one. It costs a lookup per record, so it only runs
// on a store already known to be damaged.
func (v *verifier) findStrayVersion(size, n uint64) error {
	it, err := v.s.reads().NewIter(&pebble.IterOptions{LowerBound: []byte{prefixVersion}, UpperBound: []byte{prefixVersion + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		key, txID, err := decodeVersionKey(it.Key())
		if err != nil {
			return &VerifyError{Err: err}
		}
		if txID > size {
			continue // checked by checkVersionCount
		}
		_, entries, err := v.s.txEntries(txID)
		if err != nil {
			return &VerifyError{TxID: txID, Err: err}
		}
		val, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		rec, err := decodeVersionRecord(val)
		if err != nil {
			return &VerifyError{TxID: txID, Err: err}
		}
		if int(rec.index) >= len(entries) || !bytes.Equal(entries[rec.index].Key, key) {
			return &VerifyError{TxID: txID, Err: corruptf("version of %q is not among the transaction's entries", key)}
		}
	}
	return &VerifyError{TxID: size, Err: corruptf("%d version records for %d entries", n, v.entries)}
}

// txReadError attributes an error met while checking txID: corruption
// becomes a *VerifyError naming the tx; anything else (an I/O error, a
// closed store) is returned as it is, since it says nothing of the data.
func txReadError(txID uint64, err error) error {
	err = storageErr(err)
	if errors.Is(err, ErrCorrupt) {
		return &VerifyError{TxID: txID, Err: err}
	}
	return err
}

// strayListPart is the error of an entry-list part at key k that no read
// of its list reaches: a part after the last one its list's parts lead
// to.
func strayListPart(k []byte) error {
	return &VerifyError{TxID: txIDFromKey(k), Err: corruptf("entry list has a part past its end")}
}
