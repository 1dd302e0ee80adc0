#!/usr/bin/env bash
# Times the queries whose access path the planner's costs decide
# (sql/accesscost.go), against any PostgreSQL-wire URL: creates the
# table ap (1M rows, k = id % 4, an index on k) if it is missing,
# analyzes it, then runs each query five times and prints the sorted
# times in ms, median in the middle. Run it against two builds in turn
# to compare them.
#
#   scripts/access-paths.sh URL [LABEL]
. "$(dirname "$0")/time-queries.sh"
if missing ap; then
	"$psql" "$url" -q -c "CREATE TABLE ap (id int PRIMARY KEY, k int, pad text)" \
		-c "INSERT INTO ap SELECT g, g % 4, repeat('x', 50) FROM generate_series(1, 1000000) g" \
		-c "CREATE INDEX ap_k ON ap (k)"
fi
"$psql" "$url" -q -c "ANALYZE ap"
time_queries "$label" \
	"SELECT sum(length(pad)) FROM ap WHERE k = 1" \
	"SELECT count(*) FROM ap WHERE k = 1 AND id < 1000" \
	"SELECT id FROM ap WHERE k = 1 ORDER BY id LIMIT 5" \
	"SELECT count(*), sum(id) FROM ap WHERE k = 1"
