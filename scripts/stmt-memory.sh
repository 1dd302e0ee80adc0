#!/usr/bin/env bash
# The memory one statement takes on a fresh stela: it loads ROWS rows into
# bench_copy (stela bench --workload copy: 4 columns, about 100 bytes a
# row), runs PRE, then runs SQL while it samples the live heap every 0.3 s
# (/debug/pprof/heap?gc=1, the largest kept in $OUT) and reports the
# statement's time, the peak live heap and the server's peak resident
# memory (VmHWM).
#
#   scripts/stmt-memory.sh [ROWS=2500000] [PRE=sql] SQL=sql [BIN=bin/stela] [OUT=/tmp/stmt-memory.heap]
#
# docs/BENCHMARKS.md ("Memory of a large transaction") has its results.
# Needs psql (scripts/pg15.sh installs it) and bin/stela (make build).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${BIN:-bin/stela}"
rows="${ROWS:-2500000}"
out="${OUT:-/tmp/stmt-memory.heap}"
[ -n "${SQL:-}" ] || { echo "stmt-memory: SQL=... is required" >&2; exit 2; }
[ -x "$bin" ] || { echo "stmt-memory: $bin missing: run make build" >&2; exit 2; }

dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
mport=$((port + 1))
"$bin" start --data "$dir" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$mport" \
	--http-listen "" --pprof --admin-password pw --log-level warn >"$dir.log" 2>&1 &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	rm -rf "$dir" "$dir.log" "$dir.cur"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -sf "127.0.0.1:$mport/readyz" >/dev/null && break; sleep 0.1; done
url="postgres://admin:pw@127.0.0.1:$port/defaultdb?sslmode=disable"

"$bin" bench --url "$url" --workload copy --connections 1 --count $(((rows + 9999) / 10000)) \
	--duration 1h --warmup 0s --quiet | grep -E '^rows'
[ -z "${PRE:-}" ] || psql "$url" -qc "$PRE"

start=$(date +%s%N)
psql "$url" -qc "$SQL" &
stmt=$!
best=0
while kill -0 "$stmt" 2>/dev/null; do
	sleep 0.3
	curl -s "127.0.0.1:$mport/debug/pprof/heap?gc=1" >"$dir.cur" || continue
	# "Showing nodes accounting for ..., 97% of 1355.2MB total"
	mb=$(go tool pprof -sample_index=inuse_space -top "$dir.cur" 2>/dev/null |
		grep -o 'of [0-9.]*[kMG]B total' | head -1 |
		awk '{v = $2; u = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2) + 0;
		      if (u == "GB") n *= 1024; if (u == "kB") n /= 1024; print int(n)}')
	if [ -n "$mb" ] && [ "$mb" -gt "$best" ]; then
		best=$mb
		cp "$dir.cur" "$out"
	fi
done
status=0
wait "$stmt" || status=$?
end=$(date +%s%N)
printf 'statement: %.2f s (psql exit %d)\npeak live heap: %d MB (profile: %s)\npeak RSS: %s\n' \
	"$(awk "BEGIN {print ($end - $start) / 1e9}")" "$status" "$best" "$out" "$(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
