#!/usr/bin/env bash
# Times lookups whose values come from an array, a subquery's list or a
# subquery's value (sql/access_list.go), against any PostgreSQL-wire URL:
# creates the tables lb (1M rows, an index on k), few (100 rows) and many
# (6,000 rows) if they are missing, analyzes them, then runs each query five times and
# prints the sorted times in ms, median in the middle. Run it against
# two builds in turn to compare.
#
#   scripts/list-bounds.sh URL [LABEL]
. "$(dirname "$0")/time-queries.sh"
if missing lb; then
	"$psql" "$url" -q -c "CREATE TABLE lb (id int PRIMARY KEY, k int, pad text)" \
		-c "INSERT INTO lb SELECT g, g % 10000, repeat('x', 50) FROM generate_series(1, 1000000) g" \
		-c "CREATE INDEX lb_k ON lb (k)"
fi
if missing few; then
	"$psql" "$url" -q -c "CREATE TABLE few (id int PRIMARY KEY)" \
		-c "INSERT INTO few SELECT generate_series(1, 100)"
fi
if missing many; then
	"$psql" "$url" -q -c "CREATE TABLE many (id int PRIMARY KEY)" \
		-c "INSERT INTO many SELECT generate_series(1, 6000)"
fi
"$psql" "$url" -q -c "ANALYZE lb" -c "ANALYZE few" -c "ANALYZE many"
time_queries "$label" \
	"SELECT sum(length(pad)) FROM lb WHERE id = ANY ('{5,50,500,5000,50000,500000,7,77,777,7777}'::int[])" \
	"PREPARE p (int[]) AS SELECT sum(length(pad)) FROM lb WHERE id = ANY (\$1); EXECUTE p ('{5,50,500,5000,50000,500000,7,77,777,7777}')" \
	"SELECT sum(length(pad)) FROM lb WHERE id IN (SELECT id * 997 FROM few)" \
	"SELECT sum(length(pad)) FROM lb WHERE k IN (SELECT id FROM few WHERE id <= 3)" \
	"SELECT length(pad) FROM lb WHERE id = (SELECT max(id) FROM few)" \
	"SELECT sum(length(pad)) FROM lb WHERE k IN (SELECT id FROM many WHERE id % 7 = id % 7)"
