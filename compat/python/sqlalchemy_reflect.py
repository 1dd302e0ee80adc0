"""SQLAlchemy (psycopg2 dialect): Core round trips and schema reflection,
which reads pg_catalog as ORMs and migration tools do.

Usage: python3 sqlalchemy_reflect.py URL
"""

import sys

import sqlalchemy as sa

from checks import check, expect, finish

engine = sa.create_engine(sys.argv[1])


@check("connect-and-core")
def _():
    with engine.begin() as c:
        c.execute(sa.text("DROP TABLE IF EXISTS sa_child"))
        c.execute(sa.text("DROP TABLE IF EXISTS sa_parent"))
        c.execute(sa.text("CREATE TABLE sa_parent (id serial PRIMARY KEY, name varchar(40) NOT NULL UNIQUE)"))
        c.execute(
            sa.text(
                "CREATE TABLE sa_child (id bigint PRIMARY KEY, parent_id int NOT NULL REFERENCES sa_parent (id),"
                " note text DEFAULT 'n', amount numeric(10,2))"
            )
        )
        c.execute(sa.text("CREATE INDEX sa_child_parent ON sa_child (parent_id)"))
        pid = c.execute(sa.text("INSERT INTO sa_parent (name) VALUES (:n) RETURNING id"), {"n": "p"}).scalar_one()
        c.execute(sa.text("INSERT INTO sa_child (id, parent_id) VALUES (1, :p)"), {"p": pid})
    with engine.connect() as c:
        expect(c.execute(sa.text("SELECT note FROM sa_child")).scalar_one() == "n", "default")


@check("reflect-table-names")
def _():
    names = set(sa.inspect(engine).get_table_names())
    expect({"sa_parent", "sa_child"} <= names, f"{names}")


@check("reflect-columns")
def _():
    cols = {c["name"]: c for c in sa.inspect(engine).get_columns("sa_child")}
    expect(list(cols) == ["id", "parent_id", "note", "amount"], f"{list(cols)}")
    expect(isinstance(cols["amount"]["type"], sa.Numeric) and cols["amount"]["type"].scale == 2, "numeric(10,2)")
    expect(not cols["parent_id"]["nullable"], "NOT NULL")


@check("reflect-keys-and-indexes")
def _():
    insp = sa.inspect(engine)
    expect(insp.get_pk_constraint("sa_child")["constrained_columns"] == ["id"], "primary key")
    fks = insp.get_foreign_keys("sa_child")
    expect(len(fks) == 1 and fks[0]["referred_table"] == "sa_parent", f"{fks}")
    idx = {i["name"] for i in insp.get_indexes("sa_child")}
    expect("sa_child_parent" in idx, f"{idx}")
    uq = insp.get_unique_constraints("sa_parent")
    expect(len(uq) == 1 and uq[0]["column_names"] == ["name"], f"{uq}")


@check("metadata-reflect-all")
def _():
    md = sa.MetaData()
    md.reflect(bind=engine, only=["sa_parent", "sa_child"])
    child = md.tables["sa_child"]
    with engine.connect() as c:
        rows = c.execute(sa.select(child.c.id, child.c.note)).all()
        expect(rows == [(1, "n")], f"{rows}")


finish()
