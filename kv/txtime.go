package kv

import "sort"

// TxAtTime returns the last transaction committed at or before t
// (microseconds since the Unix epoch), or 0 if the first one came later.
// Commit times never decrease along the log (the committer holds them
// monotonic and Verify checks it), so this is a binary search over the
// headers: about log2(n) reads.
func (s *Store) TxAtTime(t int64) (uint64, error) {
	last := s.LastTx()
	var err error
	// The first tx committed after t, minus one.
	n := sort.Search(int(last), func(i int) bool {
		if err != nil {
			return true
		}
		h, herr := s.TxHeader(uint64(i) + 1)
		if herr != nil {
			err = herr
			return true
		}
		return h.Time > t
	})
	if err != nil {
		return 0, err
	}
	return uint64(n), nil
}
