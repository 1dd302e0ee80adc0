"""Drives stela with psycopg 3: server-side prepared statements, binary
results, pipeline mode, COPY and server-side cursors.

Usage: python3 psycopg3_compat.py DSN
"""

import datetime
import decimal
import sys
import uuid

import psycopg
from psycopg.types.json import Jsonb

from checks import check, expect, finish

conn = psycopg.connect(sys.argv[1])
conn.prepare_threshold = 1


@check("connect", conn)
def _():
    expect(conn.info.server_version > 0, "server_version")
    expect(conn.execute("SELECT 1").fetchone() == (1,), "SELECT 1")
    conn.rollback()


@check("create-and-insert-prepared", conn)
def _():
    conn.execute("DROP TABLE IF EXISTS py3_types")
    conn.execute(
        "CREATE TABLE py3_types (id int PRIMARY KEY, n numeric(10,2), f float8, ok boolean, t text,"
        " b bytea, d date, tz timestamptz, u uuid, j jsonb, a text[])"
    )
    for k in range(1, 6):
        conn.execute(
            "INSERT INTO py3_types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                k,
                decimal.Decimal(f"{k}.25"),
                k / 8,
                k % 2 == 1,
                f"t{k}",
                bytes([k, 255]),
                datetime.date(2024, 6, k),
                datetime.datetime(2024, 6, k, 1, 2, 3, tzinfo=datetime.timezone.utc),
                uuid.UUID(int=k),
                Jsonb({"k": k}),
                [f"x{k}", None],
            ),
        )
    conn.commit()


@check("binary-results", conn)
def _():
    with conn.cursor(binary=True) as cur:
        row = cur.execute("SELECT * FROM py3_types WHERE id = %s", (2,)).fetchone()
        expect(row[1] == decimal.Decimal("2.25"), f"numeric {row[1]!r}")
        expect(row[2] == 0.25, "float")
        expect(row[3] is False, "bool")
        expect(row[4] == "t2", "text")
        expect(row[5] == bytes([2, 255]), "bytea")
        expect(row[6] == datetime.date(2024, 6, 2), "date")
        expect(row[7] == datetime.datetime(2024, 6, 2, 1, 2, 3, tzinfo=datetime.timezone.utc), f"timestamptz {row[7]!r}")
        expect(row[8] == uuid.UUID(int=2), "uuid")
        expect(row[9] == {"k": 2}, f"jsonb {row[9]!r}")
        expect(row[10] == ["x2", None], f"array {row[10]!r}")
    conn.rollback()


@check("pipeline", conn)
def _():
    with conn.pipeline():
        for k in range(10, 20):
            conn.execute("INSERT INTO py3_types (id, t) VALUES (%s, %s)", (k, f"p{k}"))
    conn.commit()
    expect(conn.execute("SELECT count(*) FROM py3_types WHERE id >= 10").fetchone()[0] == 10, "pipelined rows")
    conn.rollback()


@check("errors", conn)
def _():
    try:
        conn.execute("INSERT INTO py3_types (id) VALUES (1)")
        raise AssertionError("duplicate accepted")
    except psycopg.errors.UniqueViolation as e:
        expect(e.sqlstate == "23505", e.sqlstate)
    conn.rollback()


@check("transaction-block", conn)
def _():
    conn.autocommit = True
    try:
        with conn.transaction():
            conn.execute("INSERT INTO py3_types (id) VALUES (500)")
            with conn.transaction():  # a savepoint
                conn.execute("INSERT INTO py3_types (id) VALUES (501)")
                raise psycopg.Rollback()
        expect(conn.execute("SELECT count(*) FROM py3_types WHERE id IN (500, 501)").fetchone()[0] == 1, "savepoint")
    finally:
        conn.autocommit = False


@check("copy", conn)
def _():
    with conn.cursor() as cur:
        with cur.copy("COPY py3_types (id, t) FROM STDIN") as copy:
            for k in range(600, 610):
                copy.write_row((k, f"c{k}"))
        got = []
        with cur.copy("COPY (SELECT id, t FROM py3_types WHERE id >= 600 ORDER BY id) TO STDOUT") as copy:
            for row in copy.rows():
                got.append(row)
        expect(len(got) == 10 and got[0] == ("600", "c600"), f"{got[:2]}")
    conn.commit()


@check("server-side-cursor", conn)
def _():
    with conn.cursor(name="py3named") as cur:
        cur.execute("SELECT id FROM py3_types ORDER BY id")
        rows = cur.fetchmany(3)
        expect([r[0] for r in rows] == [1, 2, 3], f"{rows}")
    conn.rollback()


finish()
