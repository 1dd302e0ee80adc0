// Package metric holds the counters that hot paths (the commit pipeline,
// the statement loop) update: fixed-bucket histograms over atomic
// integers, with no allocation and no lock per observation.
//
// It exists so that kv, engine and sql can count without importing
// Prometheus: they own the numbers (one Histogram per store, per
// database and statement kind, living and dying with it), and
// server/metrics reads them at scrape time and exports them as Prometheus
// metrics. A Prometheus histogram with a database label would instead
// need a label lookup per observation and would outlive dropped
// databases.
package metric
