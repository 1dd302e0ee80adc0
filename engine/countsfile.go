package engine

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/stela-db/stela/kv"
)

// Row counts survive a clean restart: closing a database saves every
// exact count (stats.go) to one side file, with the tx they are exact
// at, and opening it takes them back as exact only if the store's last
// tx is still that tx, so that the planner has them at once instead of
// counting large tables again in the background. Any commit after the
// save, even one whose transaction then crashed the server before the
// next close, makes the file's tx older than the store's, and the file
// is ignored (counts are taken again, as without it). The file is
// outside the verifiable log (kv.Store.WriteSideFile): a count is
// advisory, and a lost or stale file only costs a recount.
//
// The file is JSON, savedCounts below, version countsFileVersion.
const (
	countsFile        = "side-rowcounts.json"
	countsFileVersion = 1
)

type savedCounts struct {
	Version int    `json:"version"`
	AsOf    uint64 `json:"as_of"`
	// Rows is each table's count, by storage id (Layout.TableID).
	Rows map[string]int64 `json:"rows"`
}

// SaveRowCounts writes the exact row counts to the side file. It is
// called when the database closes, before its store does. It saves
// nothing, and reports no error, when a commit that changes counts is
// in flight (its count and the store's last tx could disagree) or the
// store cannot write; a file left from before then no longer matches
// the store's last tx once that commit lands.
func (db *DB) SaveRowCounts() error {
	if db.store.Failed() != nil {
		return nil
	}
	s := &db.stats
	// A commit's tx is assigned after it joins inflight and reported
	// under s.mu before it leaves: with none in flight under s.mu, every
	// tx up to asOf is in the counts. Ones after asOf may be too; then
	// the store's last tx is past asOf and the file is not used.
	asOf := db.store.LastTx()
	s.mu.Lock()
	if s.inflight.Load() != 0 {
		s.mu.Unlock()
		return nil
	}
	saved := savedCounts{Version: countsFileVersion, AsOf: asOf, Rows: map[string]int64{}}
	for id, tc := range s.tables {
		if tc.known {
			saved.Rows[strconv.FormatUint(uint64(id), 10)] = tc.rows
		}
	}
	s.mu.Unlock()
	b, err := json.Marshal(&saved)
	if err != nil {
		return err
	}
	if err := db.store.WriteSideFile(countsFile, b); err != nil && !errors.Is(err, kv.ErrReadOnly) {
		return err
	}
	return nil
}

// restoreCounts takes the counts saved at the last close as exact, if
// nothing was committed since; NewDB calls it before any transaction
// can commit, so that every later commit's delta is added to them. A
// missing, unreadable or stale file restores nothing.
func (db *DB) restoreCounts() {
	b, err := db.store.ReadSideFile(countsFile)
	if err != nil {
		return
	}
	var saved savedCounts
	if json.Unmarshal(b, &saved) != nil || saved.Version != countsFileVersion {
		return
	}
	asOf := db.store.LastTx()
	if saved.AsOf != asOf {
		return
	}
	s := &db.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, n := range saved.Rows {
		id, err := strconv.ParseUint(key, 10, 32)
		if err != nil {
			continue
		}
		tc := s.entry(uint32(id))
		tc.known, tc.rows, tc.asOf = true, n, asOf
	}
}
