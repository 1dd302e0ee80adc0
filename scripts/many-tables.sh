#!/usr/bin/env bash
# many-tables.sh BINARY TABLES [PORT]: starts BINARY (a stela build) on a
# fresh data directory, creates TABLES tables beside the one written,
# then times 3,000 single-row INSERTs, UPDATEs and DELETEs, each sent as
# its own simple-protocol statement by psql -f (as psycopg2, psql and
# most ORMs send them: every statement is planned). Prints one line per
# statement kind. Needs psql 15 (scripts/pg15.sh installs it).
set -euo pipefail
bin=$1 tables=$2 port=${3:-5498}
psql=${PSQL:-/usr/lib/postgresql/15/bin/psql}
dir=$(mktemp -d)
url="postgres://admin:pw@127.0.0.1:$port/defaultdb?sslmode=disable"
"$bin" start --data "$dir/data" --listen "127.0.0.1:$port" --admin-password pw \
	--metrics-listen "" --http-listen "" --log-level warn > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do "$psql" "$url" -qc 'SELECT 1' > /dev/null 2>&1 && break; sleep 0.2; done
"$psql" "$url" -qc 'CREATE TABLE w (id int PRIMARY KEY, v text)'
for i in $(seq "$tables"); do
	echo "CREATE TABLE t$i (id int PRIMARY KEY, a int, b text, c timestamptz, d numeric);"
done | "$psql" "$url" -q
for i in $(seq 3000); do echo "INSERT INTO w VALUES ($i, 'x');"; done > "$dir/insert.sql"
for i in $(seq 3000); do echo "UPDATE w SET v = 'y' WHERE id = $i;"; done > "$dir/update.sql"
for i in $(seq 3000); do echo "DELETE FROM w WHERE id = $i;"; done > "$dir/delete.sql"
for kind in insert update delete; do
	start=$(date +%s%N)
	"$psql" "$url" -q -f "$dir/$kind.sql" > /dev/null
	end=$(date +%s%N)
	printf '%s, %s tables: 3,000 %s statements in %d ms\n' "$(basename "$bin")" "$tables" "$kind" $(((end - start) / 1000000))
done
