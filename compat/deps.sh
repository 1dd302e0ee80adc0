#!/usr/bin/env bash
# Installs the clients compat/compat_test.go drives, where missing.
#   compat/deps.sh ci    psql, the JDBC driver (and a Java runtime), psycopg2:
#                        what `make test` requires
#   compat/deps.sh all   those, psycopg 3, SQLAlchemy, Django and node-postgres
# Debian packages come from apt-get (as root, or through sudo); node-postgres
# from the npm registry into compat/node/node_modules (package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"
set_="${1:-ci}"

missing=()
have_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
command -v psql >/dev/null || missing+=(postgresql-client)
command -v java >/dev/null || missing+=(default-jre-headless)
[ -f /usr/share/java/postgresql.jar ] || missing+=(libpostgresql-jdbc-java)
have_py psycopg2 || missing+=(python3-psycopg2)
if [ "$set_" = all ]; then
	have_py psycopg || missing+=(python3-psycopg)
	have_py sqlalchemy || missing+=(python3-sqlalchemy)
	have_py django || missing+=(python3-django)
	command -v node >/dev/null || missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
	sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	echo "compat/deps.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! "${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; then
		# A fresh machine may have no package lists yet.
		"${sudo[@]}" apt-get update -q >/dev/null
		"${sudo[@]}" apt-get install -y -q "${missing[@]}" >/dev/null
	fi
fi

if [ "$set_" = all ] && [ ! -f node/node_modules/pg/package.json ]; then
	(cd node && npm ci --no-audit --no-fund --loglevel=error)
fi
