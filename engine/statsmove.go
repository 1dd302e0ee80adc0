package engine

// What happens to a table's statistics (its row count, ANALYZE's results
// and their side file, statsfile.go) when its storage goes away. Both
// take effect when the transaction commits, and a rollback (to a
// savepoint too) undoes them:
//
//   - DROP TABLE forgets them: the count leaves memory and the side file
//     is removed. Readers as of an earlier tx plan with defaults.
//   - TRUNCATE gives the table new storage (a new id) and, as in
//     PostgreSQL, where pg_statistic survives a TRUNCATE, the statistics
//     go with the table: ANALYZE's results and its time and count move to
//     the new storage, whose row count starts at zero.
//
// Neither is a transactional write: a crash after the commit and before
// the file is removed or renamed leaves the old file, which a later
// ANALYZE of the table does not overwrite (the id is never reused). That
// costs disk only.

// statsMove is one of them: to is 0 for a drop.
type statsMove struct{ from, to uint32 }

// DropStats forgets the statistics of the table with storage id table
// once the transaction commits (DROP TABLE).
func (t *Txn) DropStats(table uint32) { t.statsMoves = append(t.statsMoves, statsMove{from: table}) }

// CarryStats gives the statistics of storage from to storage to once the
// transaction commits (TRUNCATE).
func (t *Txn) CarryStats(from, to uint32) {
	t.statsMoves = append(t.statsMoves, statsMove{from: from, to: to})
}

// moveStats applies a committed transaction's moves, in order. Their
// side file errors are logged, not returned: the transaction is durable,
// and statistics are advisory.
func (db *DB) moveStats(moves []statsMove) {
	s := &db.stats
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	for _, m := range moves {
		var err error
		if m.to == 0 {
			err = db.dropStats(m.from)
		} else {
			err = db.carryStats(m.from, m.to)
		}
		if err != nil {
			db.store.Logger().Warn().Err(err).Uint32("table", m.from).Msg("statistics of dropped or truncated storage")
		}
	}
}

// dropStats forgets storage table's statistics. s.saveMu is held.
func (db *DB) dropStats(table uint32) error {
	s := &db.stats
	s.mu.Lock()
	delete(s.tables, table)
	s.mu.Unlock()
	return db.store.RemoveSideFile(statsFile(table))
}

// carryStats moves storage from's statistics to storage to, unless to
// has statistics of its own (an ANALYZE that found rows after the
// TRUNCATE, in its transaction, applied before the moves). An ANALYZE
// there that found none keeps from's columns, as it would have kept
// them without the TRUNCATE, and adds its count and time to from's; the
// side file then holds from's until the table's next ANALYZE rewrites it
// (a restart in between loses that count and time). s.saveMu is held.
func (db *DB) carryStats(from, to uint32) error {
	s := &db.stats
	s.mu.Lock()
	old := s.tables[from]
	delete(s.tables, from)
	tc := s.entry(to)
	if tc.columns != nil {
		s.mu.Unlock()
		return db.store.RemoveSideFile(statsFile(from))
	}
	if old != nil {
		if old.analyzedAt.After(tc.analyzedAt) {
			tc.analyzedAt = old.analyzedAt
		}
		tc.analyzeCount += old.analyzeCount
		tc.columns = old.columns
	}
	// What is not in memory yet is read from the file under its new name
	// when first asked for (restoreColumns).
	tc.restored = old != nil && old.restored
	s.mu.Unlock()
	_, err := db.store.RenameSideFile(statsFile(from), statsFile(to))
	return err
}
