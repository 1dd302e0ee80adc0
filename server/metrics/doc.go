// Package metrics serves a stela server's operational endpoints on their
// own HTTP listener (--metrics-listen, default 127.0.0.1:9497):
//
//	/metrics        Prometheus text exposition (metrics below)
//	/healthz        200 "ok" while the process is up
//	/readyz         200 "ready" once the databases are open, recovery is
//	                done and the PostgreSQL listener serves; 503
//	                "starting" before, 503 "stopping" once shutdown began
//	/version        JSON {"version": "...", "commit": "...", "go": "..."}
//	/debug/pprof/   Go profiles, only when enabled (--pprof)
//
// The metrics come from counters the layers below keep themselves, with
// atomics and no allocation on their hot paths (internal/metric): kv
// counts commits per store, sql statements per database, pgwire
// connections and failed logins. Collector reads them at scrape time and
// walks the databases open at that moment, so that CREATE, DROP and ALTER
// DATABASE ... RENAME show in the next scrape and leave no stale series.
// It uses its own prometheus.Registry, never the global one.
//
// Metrics (all prefixed stela_; label database on the per-database ones):
//
//	database_last_tx                        gauge: last committed tx id
//	database_size_bytes                     gauge: store files on disk
//	database_entries_committed_total        counter: kv entries written since start
//	database_commit_duration_seconds        histogram: Commit call to durable ack
//	database_commit_group_transactions      histogram: txs per synced batch
//	database_latest_cache_hits_total,       counters: point reads answered by the
//	database_latest_cache_misses_total        cache of newest versions, and not
//	database_latest_cache_bytes             gauge: memory the cache holds
//	statements_total{kind}                  counter: completed statements
//	statement_duration_seconds{kind}        histogram: statement latency
//	statement_errors_total                  counter: errors sent to sessions
//	rows_read_total, rows_written_total     counters
//	connections_open, sessions_open         gauges (server-wide)
//	connections_total                       counter (server-wide)
//	auth_failures_total{reason}             counter (server-wide)
//	build_info{version,commit,go_version}   gauge, always 1
//
// plus the Go runtime (go_*) and process (process_*) collectors.
package metrics
