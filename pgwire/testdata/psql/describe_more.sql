-- psql's describe commands over catalogs stela serves empty (features it
-- does not have), pg_cast, tablespaces, \sf and operator classes.
\ddp
-- pg_cast lists the casts stela does as PostgreSQL does, with their
-- functions (int4(bigint)...), which pg_proc lists (casts.sql has more).
\dC integer
\dC bool*
\dc
\dy
\dRs
\des
\dew
\deu
\det
\db
-- stela has no text search: no configurations, dictionaries, parsers or
-- templates (PostgreSQL has its built-in ones).
\dF
\dFd
\dFp
\dFt
\sf lower(text)
\sf+ lpad(text, integer)
\sf sum(integer)
\dAc btree int*
\dX
