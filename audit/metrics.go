package audit

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the auditor's Prometheus metrics, in a registry of its own
// (nothing else of the process is exported with them):
//
//	stela_audit_result{server,database}        Result of the last check: 1 ok, 0 tampered, -1 not yet checked, -2 error
//	stela_audit_tx{server,database}            tx (tree size) of the trusted checkpoint after the last check
//	stela_audit_previous_tx{server,database}   tx of the trusted checkpoint before the last check (0: none)
//	stela_audit_rows_verified{server,database} rows whose proofs the last check verified
//	stela_audit_last_run_timestamp_seconds     end of the last round, Unix seconds
//	stela_audit_runs_total{result}             database checks by result: ok, tampered, error
type metrics struct {
	reg        *prometheus.Registry
	result     *prometheus.GaugeVec
	tx         *prometheus.GaugeVec
	previousTx *prometheus.GaugeVec
	rows       *prometheus.GaugeVec
	lastRun    prometheus.Gauge
	runs       *prometheus.CounterVec
}

func newMetrics(server string, databases []string) *metrics {
	labels := []string{"server", "database"}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		result: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "stela_audit_result",
			Help: "Result of the last check of the database: 1 ok, 0 tampered, -1 not yet checked, -2 error."}, labels),
		tx: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "stela_audit_tx",
			Help: "Transaction count (tree size) of the database's trusted checkpoint after the last check."}, labels),
		previousTx: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "stela_audit_previous_tx",
			Help: "Transaction count of the database's trusted checkpoint before the last check (0: none)."}, labels),
		rows: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "stela_audit_rows_verified",
			Help: "Rows whose proofs the last check of the database verified."}, labels),
		lastRun: prometheus.NewGauge(prometheus.GaugeOpts{Name: "stela_audit_last_run_timestamp_seconds",
			Help: "When the last audit round ended, in Unix seconds."}),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stela_audit_runs_total",
			Help: "Database checks by result (ok, tampered, error)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.result, m.tx, m.previousTx, m.rows, m.lastRun, m.runs)
	for _, db := range databases {
		m.result.WithLabelValues(server, db).Set(float64(ResultNotChecked))
	}
	// Every result series exists from the start, so that rate() and
	// alerts see a 0 rather than no data.
	for _, r := range []Result{ResultOK, ResultTampered, ResultError} {
		m.runs.WithLabelValues(r.String())
	}
	return m
}

// record exports one database check.
func (m *metrics) record(c Check) {
	m.result.WithLabelValues(c.Server, c.Database).Set(float64(c.Result))
	m.runs.WithLabelValues(c.Result.String()).Inc()
	m.previousTx.WithLabelValues(c.Server, c.Database).Set(float64(c.PreviousTx))
	m.tx.WithLabelValues(c.Server, c.Database).Set(float64(c.Tx))
	m.rows.WithLabelValues(c.Server, c.Database).Set(float64(c.Rows))
}
