-- psql's \dC: the casts stela does as PostgreSQL 15 does them, with the
-- function PostgreSQL's pg_cast names (int4(bigint)...), which stela
-- has and SQL can call. The output matches psql 15's against
-- PostgreSQL 15 but for the casts of types stela has not (money,
-- regconfig...), oid to bigint (implicit in stela) and the length
-- coercions (numeric to numeric...), whose functions stela has not:
-- their Function is empty.
\dC int*
\dC+ numeric
\dC "char"
SELECT int4(7::bigint), float8(2::smallint), "numeric"(3), text('x'::name), date('2024-01-02 03:04:05'::timestamp);
SELECT int2(70000);
