# Sourced by the query-timing scripts (access-paths.sh, scan-columns.sh):
# time_queries LABEL QUERY... runs each query five times through $psql
# against $url and prints "LABEL | QUERY | the sorted times in ms",
# median in the middle.
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
