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
// locks. The differences, all from stela keeping no lock table:
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
	return out, nil
}
