#!/usr/bin/env bash
# A throwaway PostgreSQL 15 from Debian's packages, for checks that compare
# stela with the real thing (catalog dumps, benchmarks).
#
#   scripts/pg15.sh start DIR   install postgresql-15 if missing, initdb in
#                               DIR, start it on a free loopback port, and
#                               print a libpq connection string
#   scripts/pg15.sh stop DIR    stop it and remove DIR
#
# The server runs with default settings (fsync on), listening on 127.0.0.1
# only, as the postgres system user when started by root.
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=/usr/lib/postgresql/15/bin

# PostgreSQL refuses to run as root: as root, run it as the postgres user;
# as anyone else, as that user.
as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; else "$@"; fi
}

case "$cmd" in
start)
	if [ ! -x "$bin/pg_ctl" ]; then
		sudo=()
		[ "$(id -u)" -eq 0 ] || sudo=(sudo)
		export DEBIAN_FRONTEND=noninteractive
		"${sudo[@]}" apt-get install -y -q postgresql-15 >/dev/null ||
			{ "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q postgresql-15 >/dev/null; }
	fi
	mkdir -p "$dir"
	[ "$(id -u)" -ne 0 ] || chown postgres "$dir"
	as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
	echo "host=127.0.0.1 port=$port user=postgres dbname=postgres"
	;;
stop)
	[ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
