"""Drives stela with psycopg2 (libpq underneath) as Python applications do.

Usage: python3 psycopg2_compat.py DSN
"""

import datetime
import decimal
import sys
import uuid

import psycopg2
import psycopg2.errors
import psycopg2.extras

from checks import check, expect, finish

conn = psycopg2.connect(sys.argv[1])


@check("connect", conn)
def _():
    expect(conn.server_version > 0, "server_version")
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
        expect(cur.fetchone() == (1,), "SELECT 1")
    conn.rollback()


@check("create-and-insert-types", conn)
def _():
    with conn.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS py2_types")
        cur.execute(
            "CREATE TABLE py2_types (id int PRIMARY KEY, n numeric(10,2), f double precision, ok boolean,"
            " t text, b bytea, d date, ts timestamp, tz timestamptz, u uuid, j jsonb, a int[])"
        )
        psycopg2.extras.register_uuid()
        for k in range(1, 6):
            cur.execute(
                "INSERT INTO py2_types VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    k,
                    decimal.Decimal(f"{k}.50"),
                    k / 4,
                    k % 2 == 0,
                    f"row {k} 'quoted' \\ backslash",
                    psycopg2.Binary(bytes([k, 0, 255])),
                    datetime.date(2024, 5, k),
                    datetime.datetime(2024, 5, k, 10, 11, 12),
                    datetime.datetime(2024, 5, k, 10, 0, tzinfo=datetime.timezone.utc),
                    uuid.UUID(int=k),
                    psycopg2.extras.Json({"k": k, "s": "x"}),
                    [k, k + 1],
                ),
            )
    conn.commit()


@check("types-read-back", conn)
def _():
    with conn.cursor() as cur:
        cur.execute("SELECT * FROM py2_types WHERE id = %s", (3,))
        row = cur.fetchone()
        expect(row[1] == decimal.Decimal("3.50"), f"numeric {row[1]!r}")
        expect(row[2] == 0.75, f"float {row[2]!r}")
        expect(row[3] is False, "bool")
        expect(row[4] == "row 3 'quoted' \\ backslash", f"text {row[4]!r}")
        expect(bytes(row[5]) == bytes([3, 0, 255]), "bytea")
        expect(row[6] == datetime.date(2024, 5, 3), "date")
        expect(row[7] == datetime.datetime(2024, 5, 3, 10, 11, 12), "timestamp")
        expect(row[8] == datetime.datetime(2024, 5, 3, 10, 0, tzinfo=datetime.timezone.utc), f"timestamptz {row[8]!r}")
        expect(row[9] == uuid.UUID(int=3), f"uuid {row[9]!r}")
        expect(row[10] == {"k": 3, "s": "x"}, f"jsonb {row[10]!r}")
        expect(row[11] == [3, 4], f"array {row[11]!r}")
    conn.rollback()


@check("executemany-and-execute-values", conn)
def _():
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO py2_types (id, t) VALUES (%s, %s)", [(k, f"m{k}") for k in range(100, 150)])
        psycopg2.extras.execute_values(cur, "INSERT INTO py2_types (id, t) VALUES %s", [(k, f"v{k}") for k in range(200, 300)])
        cur.execute("SELECT count(*) FROM py2_types WHERE id >= 100")
        expect(cur.fetchone()[0] == 150, "rows")
    conn.commit()


@check("transaction-rollback", conn)
def _():
    with conn.cursor() as cur:
        cur.execute("INSERT INTO py2_types (id) VALUES (900)")
    conn.rollback()
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM py2_types WHERE id = 900")
        expect(cur.fetchone()[0] == 0, "rolled back row visible")
    conn.rollback()


@check("errors-map-to-exception-classes", conn)
def _():
    with conn.cursor() as cur:
        try:
            cur.execute("INSERT INTO py2_types (id) VALUES (1)")
            raise AssertionError("duplicate accepted")
        except psycopg2.errors.UniqueViolation as e:
            expect(e.pgcode == "23505", e.pgcode)
    conn.rollback()
    with conn.cursor() as cur:
        try:
            cur.execute("SELECT * FROM no_such_table")
            raise AssertionError("unknown table accepted")
        except psycopg2.errors.UndefinedTable:
            pass
    conn.rollback()


@check("autocommit-and-isolation", conn)
def _():
    conn.set_session(isolation_level="SERIALIZABLE", readonly=True)
    with conn.cursor() as cur:
        cur.execute("SHOW transaction_isolation")
        expect(cur.fetchone()[0] == "serializable", "isolation")
        try:
            cur.execute("INSERT INTO py2_types (id) VALUES (901)")
            raise AssertionError("write in read-only transaction")
        except psycopg2.errors.ReadOnlySqlTransaction:
            pass
    conn.rollback()
    conn.set_session(isolation_level="DEFAULT", readonly=False, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("INSERT INTO py2_types (id) VALUES (902)")
    conn.autocommit = False


@check("server-side-cursor", conn)
def _():
    with conn.cursor(name="named") as cur:
        cur.itersize = 20
        cur.execute("SELECT id FROM py2_types ORDER BY id")
        ids = [r[0] for r in cur]
        expect(len(ids) >= 150 and ids == sorted(ids), f"{len(ids)} rows")
    conn.rollback()


@check("copy-expert", conn)
def _():
    import io

    with conn.cursor() as cur:
        cur.copy_expert("COPY py2_types (id, t) FROM STDIN WITH (FORMAT csv)", io.StringIO("1000,a\n1001,b\n"))
        out = io.StringIO()
        cur.copy_expert("COPY (SELECT id, t FROM py2_types WHERE id >= 1000 ORDER BY id) TO STDOUT WITH (FORMAT csv)", out)
        expect(out.getvalue() == "1000,a\n1001,b\n", repr(out.getvalue()))
    conn.commit()


finish()
