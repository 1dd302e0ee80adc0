#!/usr/bin/env bash
# System calls per operation of a workload: the whole machine's (perf
# stat -a) and one server process's (perf stat -p), the rest being the
# client's and other processes'. Run it against stela and against
# PostgreSQL in turns: the server's reads, writes and wake-ups per
# request, and how often the client finds the reply already there.
#
#   scripts/syscalls-per-op.sh URL WORKLOAD CONNECTIONS SERVER_PID
#
# For PostgreSQL pass the postmaster's pid: backends forked after perf
# attaches are not counted, so read the machine's column. Needs perf with
# syscall tracepoints (root). Expects bin/stela (make build), or BIN.
set -euo pipefail
url=$1 workload=$2 conns=$3 server=$4
bin="${BIN:-$(dirname "$0")/../bin/stela}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
events=context-switches
for s in write sendto read recvfrom epoll_pwait epoll_wait futex nanosleep fdatasync pwrite64; do
	events+=",syscalls:sys_enter_$s"
done
"$bin" bench --url "$url" --workload "$workload" --connections "$conns" --duration 2s --warmup 1s --quiet >/dev/null
perf stat -x, -a -e "$events" -o "$dir/all" -- "$bin" bench --url "$url" --workload "$workload" \
	--connections "$conns" --duration 6s --warmup 0s --no-setup --json --quiet >"$dir/res" &
sleep 0.3
perf stat -x, -e "$events" -p "$server" -o "$dir/server" -- sleep 5.5
wait
python3 - "$dir" "$workload" "$conns" <<'PY'
import json, sys
d = sys.argv[1]
res = json.load(open(f"{d}/res"))
def counts(f):
    out = {}
    for line in open(f):
        p = line.strip().split(",")
        if len(p) > 3 and p[0].replace(".", "").isdigit():
            out[p[2].replace("syscalls:sys_enter_", "")] = float(p[0])
    return out
a, s = counts(f"{d}/all"), counts(f"{d}/server")
ops, server_ops = res["ops"], res["ops_per_s"] * 5.5
print(f"{sys.argv[2]} c={sys.argv[3]}: {res['ops_per_s']:.0f} ops/s; per op: machine / server / rest")
for k, v in a.items():
    sv = s.get(k, 0) / server_ops
    print(f"  {k:17s} {v / ops:7.2f} {sv:7.2f} {v / ops - sv:7.2f}")
PY
