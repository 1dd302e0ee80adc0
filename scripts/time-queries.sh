# Sourced by the query-timing scripts (access-paths.sh, scan-columns.sh,
# list-bounds.sh) with the URL and an optional label as their arguments:
# sets url, label and psql; missing TABLE is true when the table does not
# exist yet; make_ap creates the table both access-paths.sh and
# scan-columns.sh read; time_queries LABEL QUERY... runs each query five times
# through $psql against $url and prints "LABEL | QUERY | the sorted
# times in ms", median in the middle.
time_queries() {
	local label=$1 q times
	shift
	for q in "$@"; do
		times=$(for _ in 1 2 3 4 5; do
			"$psql" "$url" -c '\timing on' -c "$q" | awk '/^Time:/ {print $2}'
		done | sort -n | tr '\n' ' ')
		echo "$label | $q | $times"
	done
}

set -euo pipefail
shopt -s inherit_errexit # a query that fails in any run stops the script
url=${1:?usage: $0 URL [LABEL]} label=${2:-}
psql=${PSQL:-$(command -v psql || echo /usr/lib/postgresql/15/bin/psql)}

missing() {
	! "$psql" "$url" -qAtc "SELECT 1 FROM $1 LIMIT 1" >/dev/null 2>&1
}

# make_ap creates the table ap (1M rows, k = id % 4, an index on k) if it
# is missing (access-paths.sh, scan-columns.sh).
make_ap() {
	if missing ap; then
		"$psql" "$url" -q -c "CREATE TABLE ap (id int PRIMARY KEY, k int, pad text)" \
			-c "INSERT INTO ap SELECT g, g % 4, repeat('x', 50) FROM generate_series(1, 1000000) g" \
			-c "CREATE INDEX ap_k ON ap (k)"
	fi
}
