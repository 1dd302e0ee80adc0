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
make_ap
"$psql" "$url" -q -c "ANALYZE ap"
time_queries "$label" \
	"SELECT sum(length(pad)) FROM ap WHERE k = 1" \
	"SELECT count(*) FROM ap WHERE k = 1 AND id < 1000" \
	"SELECT id FROM ap WHERE k = 1 ORDER BY id LIMIT 5" \
	"SELECT count(*), sum(id) FROM ap WHERE k = 1"
