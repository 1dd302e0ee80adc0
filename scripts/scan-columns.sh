#!/usr/bin/env bash
# Times full reads, a join and an IN subquery that read a few columns of
# wide rows (sql/narrow.go), against any PostgreSQL-wire URL: creates
# the tables w (1M rows, seven columns) and ap (1M rows, as
# scripts/access-paths.sh makes it) if they are missing, analyzes them,
# then runs each query five times and prints the sorted times in ms,
# median in the middle. Run it against two builds in turn to compare.
#
#   scripts/scan-columns.sh URL [LABEL]
. "$(dirname "$0")/time-queries.sh"
if missing w; then
	"$psql" "$url" -q -c "CREATE TABLE w (id int PRIMARY KEY, a int, b bigint, c text, d numeric, e timestamptz, f text)" \
		-c "INSERT INTO w SELECT g, g % 100, g * 3, 'name-' || g, g * 1.5, '2026-01-01'::timestamptz + g * interval '1 second', repeat('y', 50) FROM generate_series(1, 1000000) g"
fi
make_ap
"$psql" "$url" -q -c "ANALYZE w" -c "ANALYZE ap"
time_queries "$label" \
	"SELECT sum(b) FROM w" \
	"SELECT count(*) FROM w WHERE a = 7" \
	"SELECT sum(w.b) FROM w JOIN ap ON ap.id = w.id WHERE ap.k = 1" \
	"SELECT count(*) FROM ap WHERE id IN (SELECT id FROM w WHERE a = 3)" \
	"SELECT sum(length(pad)) FROM ap WHERE k = 1"
