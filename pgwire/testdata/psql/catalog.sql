-- psql's describe commands on stela's pg_catalog. Compared by eye with
-- psql 15 against PostgreSQL 15 after the same DDL; the differences
-- that remain are noted before each command. Everywhere: the owner is
-- admin here (postgres there), so column widths differ.
CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE child (
  id bigint PRIMARY KEY,
  parent_id int NOT NULL REFERENCES parent(id) ON DELETE CASCADE,
  qty int DEFAULT 1 CHECK (qty > 0),
  note varchar(20),
  created timestamptz DEFAULT now()
);
CREATE INDEX child_note_idx ON child (note DESC);
CREATE UNIQUE INDEX child_pq ON child (parent_id, qty);
CREATE VIEW child_view AS SELECT id, qty FROM child WHERE qty > 1;
CREATE SEQUENCE myseq;
CREATE SCHEMA other;
CREATE TABLE other.t2 (a int);
-- PostgreSQL lists its template databases too, and its collation is the
-- cluster's (C.UTF-8 there); stela compares bytewise: C.
\l
-- public is owned by pg_database_owner in PostgreSQL 15; stela has no
-- such role: the admin owns it.
\dn
\dt
\d
-- Same as PostgreSQL, foreign keys and "Referenced by" included.
\d child
\d parent
\d child_view
-- The view definition is the query as written; PostgreSQL prints its own
-- deparsed form (" SELECT child.id,\n    child.qty\n   FROM child ...").
\d+ child_view
\d child_note_idx
\di
\dv
\ds
\dt other.*
-- PostgreSQL also lists upper(anymultirange) and upper(anyrange): stela
-- has no range types.
\df upper
\df+ lower
-- PostgreSQL also lists || of anynonarray and text (either side), of bit
-- varying, tsquery and tsvector, and ~~ of bytea: stela has no such
-- operators (it has no bit strings nor text search, and converts a
-- non-text operand of || to text itself).
\do pg_catalog.||
\do ~~
-- PostgreSQL's bootstrap superuser also has Replication: stela has no
-- replication.
\du
-- Sizes are pebble's estimates of the flushed data of the table's keys:
-- 0 bytes for tables whose rows are still in the memtable (PostgreSQL:
-- 8192 bytes for parent's page).
\dt+
\d+ child
\x
SELECT 1 AS a, 'two' AS b;
\x
