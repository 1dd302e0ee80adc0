package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stela-db/stela/internal/buildinfo"
	"github.com/stela-db/stela/internal/memguard"
	"github.com/stela-db/stela/internal/metric"
	"github.com/stela-db/stela/pgwire"
	"github.com/stela-db/stela/sql"
)

// Collector is a prometheus.Collector over a server's engine and pgwire
// server. Until Attach it collects nothing but build_info: the metrics
// listener serves /readyz while the databases are still opening.
type Collector struct {
	src atomic.Pointer[source]
}

type source struct {
	engine *sql.Engine
	pg     *pgwire.Server
}

var _ prometheus.Collector = (*Collector)(nil)

// Attach makes the collector read engine and pg.
func (c *Collector) Attach(engine *sql.Engine, pg *pgwire.Server) {
	c.src.Store(&source{engine: engine, pg: pg})
}

var (
	dbLabel = []string{"database"}

	descLastTx = prometheus.NewDesc("stela_database_last_tx",
		"Id of the last committed transaction of the database: the size of its Merkle log.", dbLabel, nil)
	descSize = prometheus.NewDesc("stela_database_size_bytes",
		"Bytes the database's store files take on disk (sstables, WAL, pebble metadata).", dbLabel, nil)
	descEntries = prometheus.NewDesc("stela_database_entries_committed_total",
		"Log entries (row and index versions, catalog records) committed since the server started.", dbLabel, nil)
	descCommit = prometheus.NewDesc("stela_database_commit_duration_seconds",
		"Time from a transaction's commit request to its durable acknowledgement (includes the group's fsync).", dbLabel, nil)
	descGroup = prometheus.NewDesc("stela_database_commit_group_transactions",
		"Transactions carried by each synced commit batch (group commit).", dbLabel, nil)
	descCacheHits = prometheus.NewDesc("stela_database_latest_cache_hits_total",
		"Point reads answered by the cache of keys' newest versions.", dbLabel, nil)
	descCacheMisses = prometheus.NewDesc("stela_database_latest_cache_misses_total",
		"Point reads the cache of newest versions could not answer (read from storage).", dbLabel, nil)
	descCacheBytes = prometheus.NewDesc("stela_database_latest_cache_bytes",
		"Memory held by the cache of keys' newest versions.", dbLabel, nil)
	descStmts = prometheus.NewDesc("stela_statements_total",
		"Statements completed, by kind (select, insert, update, delete, ddl, copy, other; from the command tag).",
		[]string{"database", "kind"}, nil)
	descStmtDur = prometheus.NewDesc("stela_statement_duration_seconds",
		"Time a completed statement took in the server, from its start to its CommandComplete, by kind.",
		[]string{"database", "kind"}, nil)
	descStmtErrs = prometheus.NewDesc("stela_statement_errors_total",
		"Errors sent to the database's sessions: failed statements and commits, and malformed messages.", dbLabel, nil)
	descRowsRead = prometheus.NewDesc("stela_rows_read_total",
		"Rows returned by SELECT, FETCH and COPY TO.", dbLabel, nil)
	descRowsWritten = prometheus.NewDesc("stela_rows_written_total",
		"Rows written by INSERT, UPDATE, DELETE and COPY FROM.", dbLabel, nil)

	descConnsOpen = prometheus.NewDesc("stela_connections_open",
		"PostgreSQL protocol connections open now (sessions and connections still authenticating).", nil, nil)
	descSessionsOpen = prometheus.NewDesc("stela_sessions_open",
		"Sessions open now (connections past authentication).", nil, nil)
	descConnsTotal = prometheus.NewDesc("stela_connections_total",
		"PostgreSQL protocol connections accepted since the server started.", nil, nil)
	descAuthFail = prometheus.NewDesc("stela_auth_failures_total",
		"Failed logins, by reason (password, unknown_user, no_login, tls_required).", []string{"reason"}, nil)
	descPanics = prometheus.NewDesc("stela_session_panics_total",
		"Connections ended by a panic in their goroutine (a bug in stela; the log has the stack); the server went on.", nil, nil)
	descMemRefusals = prometheus.NewDesc("stela_memory_refusals_total",
		"Statements and transactions failed with 53200 because the server's live memory was past its ceiling (90% of the memory limit).", nil, nil)
	descBuild = prometheus.NewDesc("stela_build_info",
		"The server's version, commit and Go version; always 1.", []string{"version", "commit", "go_version"}, nil)
)

// Describe sends every metric's description.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		descLastTx, descSize, descEntries, descCommit, descGroup, descCacheHits, descCacheMisses, descCacheBytes, descStmts, descStmtDur, descStmtErrs,
		descRowsRead, descRowsWritten, descConnsOpen, descSessionsOpen, descConnsTotal, descAuthFail, descPanics, descMemRefusals, descBuild,
	} {
		ch <- d
	}
}

// Collect reads the counters now.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descBuild, prometheus.GaugeValue, 1,
		buildinfo.Version, buildinfo.CommitOrVCS(), buildinfo.GoVersion())
	ch <- prometheus.MustNewConstMetric(descMemRefusals, prometheus.CounterValue, float64(memguard.Refusals()))
	src := c.src.Load()
	if src == nil {
		return
	}
	for _, d := range src.engine.OpenDatabases() {
		collectDatabase(ch, d)
	}
	st := src.pg.Stats()
	ch <- prometheus.MustNewConstMetric(descConnsOpen, prometheus.GaugeValue, float64(st.ConnectionsOpen))
	ch <- prometheus.MustNewConstMetric(descSessionsOpen, prometheus.GaugeValue, float64(st.SessionsOpen))
	ch <- prometheus.MustNewConstMetric(descConnsTotal, prometheus.CounterValue, float64(st.ConnectionsTotal))
	ch <- prometheus.MustNewConstMetric(descPanics, prometheus.CounterValue, float64(st.SessionPanics))
	for r, n := range st.AuthFailures {
		ch <- prometheus.MustNewConstMetric(descAuthFail, prometheus.CounterValue, float64(n), pgwire.AuthFailure(r).String())
	}
}

func collectDatabase(ch chan<- prometheus.Metric, d *sql.Database) {
	m, err := d.Store.Metrics()
	if err != nil {
		return // dropped (its store closed) since the list was taken
	}
	name := d.Name
	ch <- prometheus.MustNewConstMetric(descLastTx, prometheus.GaugeValue, float64(m.LastTx), name)
	ch <- prometheus.MustNewConstMetric(descSize, prometheus.GaugeValue, float64(m.DiskBytes), name)
	ch <- prometheus.MustNewConstMetric(descEntries, prometheus.CounterValue, float64(m.EntriesCommitted), name)
	ch <- histogram(descCommit, m.CommitLatency, name)
	ch <- histogram(descGroup, m.GroupTxs, name)
	ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(m.LatestCacheHits), name)
	ch <- prometheus.MustNewConstMetric(descCacheMisses, prometheus.CounterValue, float64(m.LatestCacheMisses), name)
	ch <- prometheus.MustNewConstMetric(descCacheBytes, prometheus.GaugeValue, float64(m.LatestCacheBytes), name)
	st := d.Stats()
	for k := range sql.NumStatementKinds {
		h := st.Latency(k)
		ch <- prometheus.MustNewConstMetric(descStmts, prometheus.CounterValue, float64(h.Count), name, k.String())
		ch <- histogram(descStmtDur, h, name, k.String())
	}
	ch <- prometheus.MustNewConstMetric(descStmtErrs, prometheus.CounterValue, float64(st.Errors()), name)
	ch <- prometheus.MustNewConstMetric(descRowsRead, prometheus.CounterValue, float64(st.RowsRead()), name)
	ch <- prometheus.MustNewConstMetric(descRowsWritten, prometheus.CounterValue, float64(st.RowsWritten()), name)
}

// histogram exports a snapshot as a Prometheus histogram.
func histogram(desc *prometheus.Desc, s metric.Snapshot, labels ...string) prometheus.Metric {
	buckets := make(map[float64]uint64, len(s.Upper))
	for i, u := range s.Upper {
		buckets[u] = s.Cumulative[i]
	}
	return prometheus.MustNewConstHistogram(desc, s.Count, s.Sum, buckets, labels...)
}
