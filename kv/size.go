package kv

// EstimateDiskUsage estimates the bytes on disk of every version of the
// keys in r (all of them, not only the latest: nothing is ever
// overwritten), from pebble's table metadata: sstables wholly inside the
// range count fully, those that straddle its ends by their share of data
// blocks, and writes still in the memtable (not yet flushed) not at all.
// It reads no data, so it is cheap at any size. The transactions' entry
// lists and Merkle nodes, which all tables share, are not counted.
func (s *Store) EstimateDiskUsage(r Range) (uint64, error) {
	lo, hi := []byte{prefixVersion}, []byte{prefixVersion + 1}
	if r.Start != nil {
		lo = versionPrefix(r.Start)
	}
	if r.End != nil {
		hi = versionPrefix(r.End)
	}
	return s.db.EstimateDiskUsage(lo, hi)
}

// DiskSpaceUsage is the bytes the store's files take on disk: sstables,
// write-ahead log and pebble's own metadata.
func (s *Store) DiskSpaceUsage() uint64 {
	return s.db.Metrics().DiskSpaceUsage()
}
