package bench

import (
	"context"
	"errors"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/jackc/pgx/v5/pgconn"
)

// Latencies are recorded in microseconds, up to maxLatencyUs; a slower
// operation is recorded as maxLatencyUs (its true value still counts for
// max_ms).
const (
	maxLatencyUs = int64(10 * time.Minute / time.Microsecond)
	sigFigs      = 3
)

// stats is one worker's record of the measured operations. Only its
// worker writes it, so it needs no lock; the runner merges them at the
// end.
type stats struct {
	hist         *hdrhistogram.Histogram
	ops, rows    int64
	maxLatency   time.Duration
	errors       int64
	errorsByCode map[string]int64
	// errorSamples keeps the first message of each code, to show.
	errorSamples          map[string]string
	serializationFailures int64
	retriedOps            int64
}

func newStats() *stats {
	return &stats{hist: hdrhistogram.New(1, maxLatencyUs, sigFigs), errorsByCode: map[string]int64{}, errorSamples: map[string]string{}}
}

// record counts one successful operation.
func (s *stats) record(lat time.Duration, rows int64) {
	s.ops++
	s.rows += rows
	if lat > s.maxLatency {
		s.maxLatency = lat
	}
	us := int64(lat / time.Microsecond)
	if us < 1 {
		us = 1
	}
	if us > maxLatencyUs {
		us = maxLatencyUs
	}
	_ = s.hist.RecordValue(us) // in range by construction
}

// fail counts one failed operation under its SQLSTATE.
func (s *stats) fail(err error) {
	s.errors++
	code := errorCode(err)
	if s.errorsByCode[code] == 0 {
		s.errorSamples[code] = err.Error()
	}
	s.errorsByCode[code]++
}

// merge adds o into s.
func (s *stats) merge(o *stats) {
	s.hist.Merge(o.hist)
	s.ops += o.ops
	s.rows += o.rows
	s.maxLatency = max(s.maxLatency, o.maxLatency)
	s.errors += o.errors
	for k, v := range o.errorsByCode {
		if s.errorsByCode[k] == 0 {
			s.errorSamples[k] = o.errorSamples[k]
		}
		s.errorsByCode[k] += v
	}
	s.serializationFailures += o.serializationFailures
	s.retriedOps += o.retriedOps
}

// errorCode is err's SQLSTATE, or "client" when the server sent none
// (connection lost, timeout, a check of our own).
func errorCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return "client"
}

// isSerializationFailure reports a 40001 (serialization_failure) answer.
func isSerializationFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "40001"
}

// isFatal reports errors after which a worker's connection is unusable.
func isFatal(err error, conn interface{ IsClosed() bool }) bool {
	return conn.IsClosed() || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
