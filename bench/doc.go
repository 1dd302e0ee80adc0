// Package bench is the load generator behind `stela bench`: it drives any
// server that speaks the PostgreSQL protocol (stela or PostgreSQL itself)
// with one of a fixed set of workloads and reports throughput and latency.
//
// It is a client and imports only pgx and the Go client package; the same
// SQL runs on stela and on PostgreSQL, except in the workloads that exist
// only on stela (as-of-read, verified-read), which refuse other servers.
//
// # Measuring
//
// Every connection is a worker in a closed loop: it sends its next
// operation only when the previous one has returned. A latency is measured
// from just before the operation is sent to just after its last result is
// received, so it includes the client's own encoding and the loopback; it
// is free of coordinated omission in the sense that nothing is scheduled
// on a clock and then waited for — the figures describe what the server
// gave the workers, not what an open-loop arrival rate would see.
// Latencies go to one HDR histogram per worker (microsecond resolution, 3
// significant digits), merged at the end, so a long run costs no memory
// per operation. Operations started during the warm-up are excluded.
//
// # The RESULT line
//
// A run ends with one line for machines, written last on stdout:
//
//	RESULT {"workload":"insert","connections":8,...}
//
// that is the text "RESULT " and a JSON object (Result) with:
//
//	workload, connections        what ran
//	duration_s                   measured time (warm-up excluded), seconds
//	ops, rows                    operations and rows done in that time
//	ops_per_s, rows_per_s        ops and rows divided by duration_s
//	p50_ms p90_ms p99_ms p999_ms max_ms
//	                             latency of one operation, milliseconds
//	errors                       failed operations (retried serialization
//	                             failures of update-hot excluded)
//	errors_by_code               failed operations by SQLSTATE ("client"
//	                             for failures without one), omitted if none
//	error_samples                the first message of each code
//	serialization_failures       40001 answers update-hot retried
//	retried_ops                  update-hot operations that needed a retry
//	server_version               the server's version()
//	stela                        whether the server is stela
//	interrupted                  true when the run was stopped early
//
// Fields are only ever added to the object, never renamed.
package bench
