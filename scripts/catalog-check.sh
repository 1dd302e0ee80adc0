#!/usr/bin/env bash
# Regenerates, from a throwaway PostgreSQL 15 (scripts/pg15.sh), every
# file stela's catalogs take from PostgreSQL (sql/testdata/pgcatalog/gen_*.sh)
# and fails if any differs from the committed one: the column dump that
# TestCatalogColumns compares pg_catalog with, and the pg_type, pg_proc and
# pg_aggregate rows stela serves, all of pg_operator's rows and
# pg_get_keywords()'s rows.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d /tmp/stela-catalog-check.XXXXXX)
chmod 755 "$tmp"
trap 'scripts/pg15.sh stop "$tmp/pg"; rm -rf "$tmp"' EXIT
conn=$(scripts/pg15.sh start "$tmp/pg")
gen=sql/testdata/pgcatalog
status=0
check() { # check GENERATOR COMMITTED-FILE [gofmt]
	sh "$gen/$1" "$conn" > "$tmp/out"
	if [ "${3:-}" = gofmt ]; then gofmt "$tmp/out" > "$tmp/out.fmt" && mv "$tmp/out.fmt" "$tmp/out"; fi
	if diff -u "$2" "$tmp/out" > "$tmp/diff"; then
		echo "ok   $2"
	else
		echo "DIFF $2 (regenerate with $gen/$1):"
		head -40 "$tmp/diff"
		status=1
	fi
}
check gen_columns.sh "$gen/columns.txt"
check gen_types.sh sql/pgcatalog_typedata.go gofmt
check gen_procs.sh sql/pgcatalog_procdata.go gofmt
check gen_aggregates.sh sql/pgcatalog_aggdata.go gofmt
check gen_keywords.sh sql/pgcatalog_keyworddata.go gofmt
check gen_operators.sh sql/pgcatalog_operdata.go gofmt
exit $status
