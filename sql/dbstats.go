package sql

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stela-db/stela/internal/metric"
)

// Statement counters per database, for operators (server/metrics exports
// them to Prometheus). The wire layer records each completed statement
// once, from its command tag: the tag is what every statement ends with,
// whatever path ran it (simple or extended protocol, COPY, cursors), and
// classifying it is a few byte comparisons, no allocation.

// StatementKind classifies statements for the counters.
type StatementKind uint8

// The kinds, from the command tag's first word. ddl is CREATE, ALTER,
// DROP, TRUNCATE, COMMENT, GRANT and REVOKE; select includes FETCH; other
// is the rest (BEGIN, COMMIT, SET, SHOW, EXPLAIN, ...).
const (
	KindSelect StatementKind = iota
	KindInsert
	KindUpdate
	KindDelete
	KindMerge
	KindDDL
	KindCopy
	KindOther
	NumStatementKinds
)

var kindNames = [NumStatementKinds]string{"select", "insert", "update", "delete", "merge", "ddl", "copy", "other"}

// String is the kind's label value.
func (k StatementKind) String() string { return kindNames[k] }

// KindOfTag classifies a statement by its command tag.
func KindOfTag(tag string) StatementKind {
	word := tag
	if i := strings.IndexByte(tag, ' '); i >= 0 {
		word = tag[:i]
	}
	switch word {
	case "SELECT", "FETCH":
		return KindSelect
	case "INSERT":
		return KindInsert
	case "UPDATE":
		return KindUpdate
	case "DELETE":
		return KindDelete
	case "MERGE":
		return KindMerge
	case "COPY":
		return KindCopy
	case "CREATE", "ALTER", "DROP", "TRUNCATE", "COMMENT", "GRANT", "REVOKE":
		return KindDDL
	}
	return KindOther
}

// TagRows returns the row count a command tag ends with ("INSERT 0 5",
// "UPDATE 2", "COPY 10"), or 0 when it ends with none.
func TagRows(tag string) uint64 {
	var n, mul uint64 = 0, 1
	i := len(tag) - 1
	for ; i >= 0 && tag[i] >= '0' && tag[i] <= '9'; i-- {
		n += uint64(tag[i]-'0') * mul
		mul *= 10
	}
	if i == len(tag)-1 || i < 0 || tag[i] != ' ' {
		return 0 // no number, or one that is part of a word
	}
	return n
}

// DatabaseStats counts a database's completed statements since it was
// opened. It is safe for concurrent use; recording neither allocates
// nor locks.
type DatabaseStats struct {
	latency     [NumStatementKinds]*metric.Histogram
	rowsRead    atomic.Uint64
	rowsWritten atomic.Uint64
	errors      atomic.Uint64
}

func newDatabaseStats() *DatabaseStats {
	st := &DatabaseStats{}
	for k := range st.latency {
		st.latency[k] = metric.NewHistogram(&metric.DurationBuckets)
	}
	return st
}

// Statement records a completed statement of kind that took d and
// returned or changed rows rows; copyFrom tells a COPY FROM (rows
// written) from a COPY TO (rows read).
func (st *DatabaseStats) Statement(kind StatementKind, d time.Duration, rows uint64, copyFrom bool) {
	st.latency[kind].ObserveDuration(d)
	switch kind {
	case KindSelect:
		st.rowsRead.Add(rows)
	case KindInsert, KindUpdate, KindDelete, KindMerge:
		st.rowsWritten.Add(rows)
	case KindCopy:
		if copyFrom {
			st.rowsWritten.Add(rows)
		} else {
			st.rowsRead.Add(rows)
		}
	}
}

// Error records a statement that failed.
func (st *DatabaseStats) Error() { st.errors.Add(1) }

// Latency is the histogram of the statements of kind.
func (st *DatabaseStats) Latency(kind StatementKind) metric.Snapshot {
	return st.latency[kind].Snapshot()
}

// RowsRead is the rows SELECT, FETCH and COPY TO returned.
func (st *DatabaseStats) RowsRead() uint64 { return st.rowsRead.Load() }

// RowsWritten is the rows INSERT, UPDATE, DELETE and COPY FROM wrote.
func (st *DatabaseStats) RowsWritten() uint64 { return st.rowsWritten.Load() }

// Errors is the number of statements that failed.
func (st *DatabaseStats) Errors() uint64 { return st.errors.Load() }

// Stats returns the database's statement counters.
func (d *Database) Stats() *DatabaseStats { return d.stats }

// Stats returns the statement counters of the session's database.
func (s *Session) Stats() *DatabaseStats { return s.db.stats }

// OpenDatabases returns the databases served now, by name. A database in
// the list may be dropped (its store closed) while the caller uses it.
func (e *Engine) OpenDatabases() []*Database {
	e.mu.Lock()
	dbs := make([]*Database, 0, len(e.dbs))
	for _, d := range e.dbs {
		dbs = append(dbs, d)
	}
	e.mu.Unlock()
	slices.SortFunc(dbs, func(a, b *Database) int { return strings.Compare(a.Name, b.Name) })
	return dbs
}
