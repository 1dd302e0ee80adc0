package sql

import (
	"sort"
	"time"

	"github.com/stela-db/stela/sql/types"
)

// pg_stat_activity: one row per open session of the server, of every
// database (activity.go keeps the registry and what each session
// publishes). As in PostgreSQL, a user who is not a superuser sees of
// other users' sessions only who and where they are: the query is
// "<insufficient privilege>" and the state, times and client address are
// NULL.
//
// What stela does not have, and shows as NULL: backend_xid (a
// transaction gets its id when it commits: ids are log positions),
// backend_xmin (snapshots are a log position, not an xid horizon),
// query_id (compute_query_id is off, as by default in PostgreSQL),
// leader_pid (no parallel workers), client_hostname (log_hostname is
// off), and the wait event of a running statement (stela does not track
// what a statement waits on; an idle session waits for its client,
// Client/ClientRead, as in PostgreSQL). stela has no background
// processes, so every row is a client backend.

func init() {
	addVtable("pg_stat_activity", 12222, 'v', `datid oid, datname name, pid integer, leader_pid integer,
		usesysid oid, usename name, application_name text, client_addr inet, client_hostname text,
		client_port integer, backend_start timestamp with time zone, xact_start timestamp with time zone,
		query_start timestamp with time zone, state_change timestamp with time zone, wait_event_type text,
		wait_event text, state text, backend_xid xid, backend_xmin xid, query_id bigint, query text,
		backend_type text`, pgStatActivityRows)
}

func pgStatActivityRows(c *vctx) ([][]types.Datum, error) {
	me := c.x.sess
	sessions := me.engine.openSessions()
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].pid < sessions[j].pid })
	var out [][]types.Datum
	for _, s := range sessions {
		a := s.act.snapshot()
		if s == me {
			// The session reading is running this query; its transaction
			// is the live one.
			a.state = "active"
			a.xactStart = me.txn.start
		}
		row := []types.Datum{dOid(databaseOID(s.db.Name)), s.db.Name, int64(s.pid), nil,
			dOid(roleOID(s.authUser)), s.authUser, a.appName}
		if !me.currentSuperuser() && !me.hasRole(s.authUser) {
			row = append(row, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil,
				"<insufficient privilege>", nil)
			out = append(out, row)
			continue
		}
		var addr, port types.Datum
		if s.act.clientAddr != "" {
			// An address Go prints that inet does not read (an IPv6
			// zone) is left out rather than misread.
			if v, err := types.InetType.ParseText(s.act.clientAddr, nil); err == nil {
				addr = v
			}
		}
		if s.act.clientPort != 0 {
			port = int64(s.act.clientPort)
		}
		var waitType, wait types.Datum
		if a.state != "active" {
			waitType, wait = "Client", "ClientRead"
		}
		row = append(row, addr, nil, port, tsOrNull(s.act.backendStart), tsOrNull(a.xactStart),
			tsOrNull(a.queryStart), tsOrNull(a.stateChange), waitType, wait, a.state, nil, nil, nil,
			a.query, "client backend")
		out = append(out, row)
	}
	return out, nil
}

// tsOrNull is a timestamptz, NULL for the zero time.
func tsOrNull(t time.Time) types.Datum {
	if t.IsZero() {
		return nil
	}
	return types.TimestampTZFromTime(t)
}
