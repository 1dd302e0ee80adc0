-- Partial indexes through psql: \d shows the index with its WHERE, \d of
-- the index its predicate; COPY keeps a partial unique index as INSERT
-- does. The output matches psql 15's against PostgreSQL 15 after the
-- same script, but for the owner.
CREATE TABLE part_t (id int PRIMARY KEY, email text NOT NULL, deleted_at timestamp);
CREATE UNIQUE INDEX part_t_live ON part_t (email) WHERE deleted_at IS NULL;
CREATE INDEX part_t_recent ON part_t (id) WHERE deleted_at > '2024-01-01' AND email <> 'x';
\d part_t
\d part_t_live
COPY part_t FROM STDIN;
1	a@x	\N
2	a@x	2024-02-01 00:00:00
3	b@x	\N
\.
COPY part_t FROM STDIN;
4	a@x	\N
\.
SELECT * FROM part_t ORDER BY id;
CREATE INDEX part_t_mixed ON part_t (id) WHERE NOT (email = 'a' OR deleted_at IS NOT NULL) AND (id > 5 OR id < 0);
\d part_t_mixed
\d part_t
