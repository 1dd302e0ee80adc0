// Package compat drives stela with the PostgreSQL clients people use —
// the JDBC driver, psycopg2, psycopg 3, SQLAlchemy, node-postgres — each
// through a script in this directory, against a server started by the
// test on a loopback port.
//
// Each script prints one line per check, "PASS name" or "FAIL name: why".
// expected-failures.txt lists the checks known to fail today, each with
// the reason; the test fails on any other failure, and also when a listed
// check passes, so that the list (and docs/COMPATIBILITY.md, which
// summarizes it) stays true.
package compat
