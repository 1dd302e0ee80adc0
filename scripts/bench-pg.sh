#!/usr/bin/env bash
# stela against a throwaway PostgreSQL 15 on this machine, with the same
# client (stela bench) and the same SQL, taking turns (stela, PostgreSQL,
# stela, PostgreSQL ...). Prints a Markdown section ready for
# docs/BENCHMARKS.md: the machine, the command, and a table of every run,
# the medians and the ratio stela / PostgreSQL per workload.
#
#   make bench-pg [ROUNDS=3] [DURATION=20s] [WARMUP=5s] [PLAN='insert:1,8,64 ...'] [SIMPLE=1] [BENCH_DIR=dir]
#
# SIMPLE=1 sends the statements by the simple query protocol, values
# written into their text (as psql, psycopg2 and pgbench do), instead of
# prepared statements.
#
# Both servers keep their data under BENCH_DIR (default: a new temporary
# directory), so both write to the same disk; both are stopped and their
# data removed at the end, whatever happens. Expects bin/stela (make
# build); scripts/pg15.sh installs PostgreSQL 15 from Debian if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${BIN:-bin}/stela"
rounds="${ROUNDS:-3}"
duration="${DURATION:-20s}"
warmup="${WARMUP:-5s}"
plan="${PLAN:-insert:1,8,64 insert-batch:1,8 copy:1 point-select:1,8 range-scan:1 update-hot:8}"
[ -x "$bin" ] || { echo "bench-pg: $bin missing: run make build" >&2; exit 2; }

dir="${BENCH_DIR:-}"
[ -n "$dir" ] || dir=$(mktemp -d)
mkdir -p "$dir"
# PostgreSQL runs as the postgres user when we are root: it must reach DIR.
chmod 755 "$dir"
stela_pid=""
cleanup() {
	[ -z "$stela_pid" ] || { kill "$stela_pid" 2>/dev/null && wait "$stela_pid" 2>/dev/null; } || true
	scripts/pg15.sh stop "$dir/pg" || true
	rm -rf "$dir/stela"
	[ -n "${BENCH_DIR:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# PostgreSQL 15, default settings (fsync on).
pg_url=$(scripts/pg15.sh start "$dir/pg")

# stela, default settings (every commit synced).
port=$(free_port)
password="bench-$RANDOM$RANDOM"
"$bin" start --data "$dir/stela" --listen "127.0.0.1:$port" --admin-password "$password" \
	--log-level warn --log-file "$dir/stela.log" &
stela_pid=$!
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	kill -0 "$stela_pid" 2>/dev/null || { echo "bench-pg: stela did not start:" >&2; cat "$dir/stela.log" >&2; exit 1; }
	sleep 0.1
done
stela_url="postgres://admin:$password@127.0.0.1:$port/defaultdb?sslmode=disable"

# The machine, as docs/BENCHMARKS.md describes it.
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
dev=$(findmnt -no SOURCE -T "$dir" 2>/dev/null || true)
fstype=$(findmnt -no FSTYPE -T "$dir" 2>/dev/null || echo unknown)
disk="$fstype"
if [ -n "$dev" ] && rota=$(lsblk -dno ROTA "$dev" 2>/dev/null) && [ -n "$rota" ]; then
	case "$rota" in *1*) disk="$disk on a rotating disk" ;; *) disk="$disk on an SSD" ;; esac
fi

echo "## stela bench against PostgreSQL 15 ($(date +%F))"
echo
echo "Machine: $(nproc) cores ($cpu), $mem, Linux $(uname -r), data on $disk; $(go version 2>/dev/null | cut -d' ' -f3 || true)."
echo "stela: $("$bin" version | head -1). PostgreSQL: $(/usr/lib/postgresql/15/bin/postgres --version)."
echo "Both with default settings (commits synced), on the same disk, the client on the same machine."
echo
echo '```sh'
simple_flag=
simple_arg=
if [ -n "${SIMPLE:-}" ]; then
	simple_flag=--simple
	simple_arg=' SIMPLE=1'
fi
echo "make bench-pg ROUNDS=$rounds DURATION=$duration WARMUP=$warmup PLAN='$plan'$simple_arg"
echo '```'
"$bin" bench compare --a "$stela_url" --a-name stela --b "$pg_url" --b-name "PostgreSQL 15" \
	--rounds "$rounds" --duration "$duration" --warmup "$warmup" --plan "$plan" $simple_flag
