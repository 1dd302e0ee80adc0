-- \l's Access privileges after GRANT and REVOKE on databases. PostgreSQL 15
-- prints the same items after the same statements, except that its PUBLIC
-- holds TEMPORARY and CONNECT on every database by default (=Tc/postgres
-- first, and the owner postgres): in stela PUBLIC holds only what is
-- granted to it, so there is no PUBLIC item until one is granted.
-- PostgreSQL keeps the items in the order granted; stela lists them by
-- user name (PUBLIC's where "public" would sort).
CREATE USER gr_bob PASSWORD 'Bob#2024x';
CREATE USER "gr_Carl" PASSWORD 'Carl#2024';
CREATE DATABASE gr_d;
GRANT CONNECT ON DATABASE gr_d TO gr_bob;
GRANT ALL PRIVILEGES ON DATABASE gr_d TO "gr_Carl";
\l gr_d
REVOKE CREATE, TEMPORARY ON DATABASE gr_d FROM "gr_Carl";
GRANT SELECT ON DATABASE gr_d TO gr_bob;
\l gr_d
REVOKE ALL ON DATABASE gr_d FROM gr_bob, "gr_Carl";
\l gr_d
-- \dp: a relation's Access privileges after table grants, as PostgreSQL
-- prints them after the same statements (owner first, then the grants;
-- none: empty). A table grant in stela covers every relation of the
-- database, so both the table and the view list gr_bob.
\c gr_d
CREATE TABLE gr_t (id int PRIMARY KEY);
CREATE VIEW gr_v AS SELECT id FROM gr_t;
\dp gr_*
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO gr_bob;
\dp gr_*
-- PUBLIC's item has an empty grantee.
GRANT SELECT ON gr_t TO PUBLIC;
\dp gr_t
REVOKE SELECT ON gr_t FROM PUBLIC;
-- Column privileges: each column's items under its name, as PostgreSQL
-- prints them (attacl); the table's own Access privileges are unchanged.
ALTER TABLE gr_t ADD COLUMN note text;
GRANT SELECT (id, note), UPDATE (note) ON gr_t TO "gr_Carl";
GRANT SELECT (note) ON gr_t TO PUBLIC;
\dp gr_t
REVOKE ALL (id, note) ON gr_t FROM "gr_Carl", PUBLIC;
GRANT CONNECT ON DATABASE gr_d TO PUBLIC;
\l gr_d
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gr_bob;
\c defaultdb
DROP DATABASE gr_d;
DROP USER gr_bob, "gr_Carl";
