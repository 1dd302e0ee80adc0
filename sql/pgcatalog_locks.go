package sql

import (
	"sort"

	"github.com/stela-db/stela/sql/types"
)

// pg_locks. PostgreSQL shows there the locks its transactions hold and
// wait for: each transaction's lock on its own virtual transaction id,
// the relation locks every statement takes (AccessShareLock for a read,
// RowExclusiveLock for a write...), row-level and advisory locks, and
// the waiters. stela takes none of these: reads and writes lock no
// relation, and a conflict is found at COMMIT (40001). Its row locks
// (SELECT ... FOR UPDATE, engine/rowlocks.go) are not shown, as
// PostgreSQL, which keeps them in the rows, shows them only while
// someone waits. What stela does have is LOCK TABLE, which makes the
// transaction's commit depend on the table (locktable.go): pg_locks
// shows those, one row per table and mode of each session's open
// transaction, of every database, as PostgreSQL shows every session's
// locks. It also has advisory locks (advisory_locks.go), shown as
// PostgreSQL shows them, waiters included. The differences in the
// relation locks, all from stela keeping no lock table for them:
//   - granted is always true: nothing waits for a table lock, and a
//     granted lock here excludes no one; a conflicting writer goes on,
//     and the conflict fails whichever transaction commits second;
//   - no virtualxid, transactionid or implicit relation locks, and no
//     lock on a pg_catalog relation (LOCK TABLE of one does nothing);
//   - a lock taken after a savepoint stays after ROLLBACK TO it, as the
//     commit still depends on the table (PostgreSQL releases it);
//   - virtualtransaction is NULL (stela has no virtual transaction ids)
//     and fastpath false.

// lockModeNames are PostgreSQL's lock mode names, by LOCKMODE.
var lockModeNames = [...]string{1: "AccessShareLock", 2: "RowShareLock", 3: "RowExclusiveLock",
	4: "ShareUpdateExclusiveLock", 5: "ShareLock", 6: "ShareRowExclusiveLock", 7: "ExclusiveLock",
	8: "AccessExclusiveLock"}

func init() {
	addVtable("pg_locks", 12073, 'v', `locktype text, database oid, relation oid, page integer,
		tuple smallint, virtualxid text, transactionid xid, classid oid, objid oid, objsubid smallint,
		virtualtransaction text, pid integer, mode text, granted boolean, fastpath boolean,
		waitstart timestamp with time zone`, pgLocksRows)
}

func pgLocksRows(c *vctx) ([][]types.Datum, error) {
	sessions := c.x.sess.engine.openSessions()
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].pid < sessions[j].pid })
	var out [][]types.Datum
	for _, s := range sessions {
		for _, l := range s.act.heldLocks() {
			mode := "?"
			if l.mode > 0 && int(l.mode) < len(lockModeNames) {
				mode = lockModeNames[l.mode]
			}
			out = append(out, []types.Datum{"relation", dOid(databaseOID(s.db.Name)), dOid(l.rel),
				nil, nil, nil, nil, nil, nil, nil, nil, int64(s.pid), mode, true, false, nil})
		}
	}
	return append(out, advisoryLockRows(c.x.sess.engine.advisory.rows())...), nil
}

// advisoryLockRows are pg_locks' rows of advisory locks: the key's high
// 32 bits as classid and its low as objid, objsubid 1 for a bigint key
// and 2 for two integers, as PostgreSQL shows them; holders, then
// waiters, by pid.
func advisoryLockRows(rows []advisoryRow) [][]types.Datum {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.granted != b.granted {
			return a.granted
		}
		if a.s.pid != b.s.pid {
			return a.s.pid < b.s.pid
		}
		return a.tag.key < b.tag.key
	})
	out := make([][]types.Datum, 0, len(rows))
	for _, r := range rows {
		mode, sub := "ExclusiveLock", int64(1)
		if r.shared {
			mode = "ShareLock"
		}
		if r.tag.pair {
			sub = 2
		}
		out = append(out, []types.Datum{"advisory", dOid(databaseOID(r.tag.db.Name)), nil, nil, nil, nil, nil,
			dOid(uint32(uint64(r.tag.key) >> 32)), dOid(uint32(r.tag.key)), sub,
			nil, int64(r.s.pid), mode, r.granted, false, nil})
	}
	return out
}
