package kv

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"

	"github.com/stela-db/stela/kv/format"
	"github.com/stela-db/stela/kv/merkle"
)

// Import: rebuilding a log from exported records (export.go), as a
// restore does. Every record is checked before anything of it is
// stored: its tx id must be the next one, its time must not go back,
// its entry list must hash to the header's entries root and each value
// to its entry's digest. The log's Merkle tree is recomputed as records
// are added, so once the last one is in, Root says whether the whole
// sequence is the log a checkpoint signed. An imported transaction keeps
// its id, commit time and every hashed byte: proofs served by the
// original store verify against the restored one.
//
// ImportCheck does the checks without writing (a restore's first pass,
// which must refuse a bad backup before touching any store); Importer
// does them and writes.

// ImportError names the first transaction of an import that does not
// check. It wraps ErrCorrupt.
type ImportError struct {
	TxID uint64
	Err  error
}

func (e *ImportError) Error() string { return fmt.Sprintf("tx %d: %v", e.TxID, e.Err) }

// Unwrap returns the cause, which wraps ErrCorrupt.
func (e *ImportError) Unwrap() error { return e.Err }

// ImportCheck recomputes a log from exported records, in order, without
// storing them. Not safe for concurrent use.
type ImportCheck struct {
	fr       *merkle.Frontier
	lastTime int64
}

// NewImportCheck returns a check that starts from an empty log.
func NewImportCheck() *ImportCheck { return &ImportCheck{fr: &merkle.Frontier{}} }

// ImportCheck returns a check that continues the store's log from its
// last durable transaction (an incremental restore).
func (s *Store) ImportCheck() (c *ImportCheck, err error) {
	if err := s.refs.acquire(); err != nil {
		return nil, err
	}
	defer s.end(&err)
	st := s.state.load()
	fr, err := merkle.NewFrontier(s.diskNodes(), st.size)
	if err != nil {
		return nil, fmt.Errorf("kv: rebuild tree of size %d: %w", st.size, err)
	}
	if fr.Root() != st.root {
		return nil, corruptf("stored nodes give root %s at size %d; the log's is %s", fr.Root(), st.size, st.root)
	}
	return &ImportCheck{fr: fr, lastTime: st.time}, nil
}

// Size is the number of transactions of the log so far: the id of the
// last record added.
func (c *ImportCheck) Size() uint64 { return c.fr.Size() }

// Root is the log's Merkle root so far.
func (c *ImportCheck) Root() merkle.Hash { return c.fr.Root() }

// Add checks rec as the log's next transaction. A record that does not
// check gives an *ImportError and leaves c as it was.
func (c *ImportCheck) Add(rec []byte) error {
	_, err := c.add(rec, nil)
	return err
}

// importedTx is a checked record, its slices aliasing the record.
type importedTx struct {
	h       format.Header
	list    []byte
	entries []format.Entry
	values  [][]byte
}

// add checks rec and, when it checks, appends its leaf, passing the
// completed Merkle nodes to emit (nil: none wanted).
func (c *ImportCheck) add(rec []byte, emit func(level uint8, index uint64, h merkle.Hash)) (importedTx, error) {
	want := c.fr.Size() + 1
	bad := func(err error) (importedTx, error) {
		if !errors.Is(err, ErrCorrupt) {
			err = fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		return importedTx{}, &ImportError{TxID: want, Err: err}
	}
	h, list, entries, values, err := decodeExportedTx(rec)
	if err != nil {
		return bad(err)
	}
	switch {
	case h.TxID != want:
		return bad(corruptf("the record holds tx %d where tx %d belongs (a transaction is missing, repeated or out of order)", h.TxID, want))
	case h.Time < c.lastTime:
		return bad(corruptf("commit time %d is before the previous transaction's %d", h.Time, c.lastTime))
	}
	leaves := make([]merkle.Hash, len(entries))
	keys := make([]Write, len(entries))
	for i, e := range entries {
		leaves[i] = e.LeafHash()
		keys[i].Key = e.Key
		if e.Kind == format.KindPut && sha256.Sum256(values[i]) != e.ValueDigest {
			return bad(corruptf("the value of entry %d does not match its digest", i))
		}
	}
	if merkle.RootOf(leaves) != merkle.Hash(h.EntriesRoot) {
		return bad(corruptf("the entries do not hash to the header's entries root"))
	}
	if err := checkDistinctKeys(keys); err != nil {
		return bad(err)
	}
	c.fr.Append(h.LeafHash(), emit)
	c.lastTime = h.Time
	return importedTx{h: h, list: list, entries: entries, values: values}, nil
}

// importBatchBytes is the size at which an Importer commits its batch.
const importBatchBytes = 8 << 20

// Importer appends exported records to a store it owns: no other use of
// the store may happen while it is open (it writes pebble directly,
// bypassing the committer). Each record is checked as ImportCheck checks
// it before it is written. Not safe for concurrent use.
type Importer struct {
	s     *Store
	check *ImportCheck
	batch *pebble.Batch
}

// OpenImporter opens the store in dir for import, creating it (with
// opts.Origin) when dir is new or empty. An existing store is continued
// from its last transaction.
func OpenImporter(dir string, opts Options) (*Importer, error) {
	s, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	c, err := s.ImportCheck()
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return &Importer{s: s, check: c}, nil
}

// Origin is the store's log origin.
func (im *Importer) Origin() string { return im.s.origin }

// Size is the id of the last transaction of the store, imported or not.
func (im *Importer) Size() uint64 { return im.check.Size() }

// Root is the store's Merkle root after the records appended so far.
func (im *Importer) Root() merkle.Hash { return im.check.Root() }

// Append checks rec as the next transaction and writes it. A record that
// does not check gives an *ImportError and writes nothing; after any
// other error (the disk) the Importer is unusable and must be closed.
func (im *Importer) Append(rec []byte) (err error) {
	defer recoverFatal(&err)
	if im.batch == nil {
		im.batch = im.s.db.NewBatch()
	}
	b := im.batch
	// The header record is the header, the nodes the leaf completes and a
	// small entry list (headerrecord.go); a record that fails its checks
	// emits no nodes.
	var nodes []byte
	emit := func(_ uint8, _ uint64, h merkle.Hash) {
		nodes = append(nodes, h[:]...)
	}
	tx, err := im.check.add(rec, emit)
	if err != nil {
		return err
	}
	id := tx.h.TxID
	if err := im.s.setTxRecords(b, id, append(tx.h.Encode(), nodes...), tx.list); err != nil {
		return err
	}
	var val []byte
	for i, e := range tx.entries {
		r := versionRecord{kind: e.Kind, index: uint32(i), time: tx.h.Time, metadata: e.Metadata, value: tx.values[i]}
		val = r.appendEncoding(val[:0])
		if err := b.Set(versionKey(e.Key, id), val, nil); err != nil {
			return err
		}
	}
	if b.Len() >= importBatchBytes {
		return im.flush()
	}
	return nil
}

// flush commits the pending batch and makes it durable. The importer
// writes past the commit log (commitlog.go), so the batch is durable once
// pebble has flushed it into a table.
func (im *Importer) flush() error {
	if im.batch == nil {
		return nil
	}
	b := im.batch
	im.batch = nil
	defer b.Close()
	return im.s.commitFlushed(b)
}

// Close commits what was appended and closes the store. After a failed
// Append the records before it are still committed: each was checked.
func (im *Importer) Close() (err error) {
	func() {
		defer recoverFatal(&err)
		err = im.flush()
	}()
	return errors.Join(err, im.s.Close())
}
