-- psql's \dL: the languages of PostgreSQL 15's databases, internal, c
-- and sql built in, plpgsql while its extension is installed (it is
-- from the database's creation). The output matches psql 15's against
-- PostgreSQL 15 but the owner's name, and the handler and validator
-- functions \dL+ names by OID and \dx+ plpgsql does not list, which
-- pg_proc does not list (stela runs no PL/pgSQL).
\dL
\dLS
\dL+ plpgsql
\dx+ plpgsql
DROP EXTENSION plpgsql;
\dLS
CREATE EXTENSION plpgsql;
\dL
