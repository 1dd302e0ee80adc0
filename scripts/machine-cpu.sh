#!/usr/bin/env bash
# Where a workload's CPU goes on this machine: runs stela bench against
# URL and reports, per operation, the whole machine's busy CPU (from
# /proc/stat), the client's share (user and system, from the bench
# process), the rest (server and kernel work not charged to the client),
# and the share of time the CPUs sat idle. Run it against stela and
# against PostgreSQL, in turns, to compare what each server costs and
# how well it keeps the CPUs busy.
#
#   scripts/machine-cpu.sh URL WORKLOAD CONNECTIONS [DURATION]
#
# The table is set up and warmed for 3 s first; the measured run is
# --no-setup. Expects bin/stela (make build), or BIN.
set -euo pipefail
url=$1 workload=$2 conns=$3 duration=${4:-10s}
bin="${BIN:-$(dirname "$0")/../bin/stela}"
out=$(mktemp) times=$(mktemp)
trap 'rm -f "$out" "$times"' EXIT
"$bin" bench --url "$url" --workload "$workload" --connections "$conns" --duration 3s --warmup 1s --quiet >/dev/null
stat() { head -1 /proc/stat | awk '{print $2+$3+$4+$7+$8, $5+$6}'; }
read -r busy0 idle0 < <(stat)
/usr/bin/time -o "$times" -f "%U %S" "$bin" bench --url "$url" --workload "$workload" --connections "$conns" \
	--duration "$duration" --warmup 0s --no-setup --json --quiet >"$out"
read -r busy1 idle1 < <(stat)
read -r cuser csys <"$times"
python3 - "$out" "$busy0" "$busy1" "$idle0" "$idle1" "$cuser" "$csys" "$(getconf CLK_TCK)" "$workload" "$conns" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
b0, b1, i0, i1, cu, cs, tck = (float(x) for x in sys.argv[2:9])
busy, idle, ops = (b1 - b0) / tck, (i1 - i0) / tck, res["ops"]
us = lambda s: round(s * 1e6 / ops)
print(f"{sys.argv[9]} c={sys.argv[10]}: {res['ops_per_s']:.0f} ops/s, p99 {res['p99_ms']:.1f} ms; per op: "
      f"machine {us(busy)} us, client {us(cu + cs)} us (user {us(cu)}, system {us(cs)}), "
      f"rest {us(busy - cu - cs)} us; idle {100 * idle / (busy + idle):.0f}%")
PY
