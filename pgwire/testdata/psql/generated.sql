-- Stored generated columns through psql: \d shows "generated always as
-- (...) stored", COPY computes them, leaves them out without a column
-- list and refuses them in one. The output matches psql 15's against
-- PostgreSQL 15 after the same script.
CREATE TABLE gen_t (id int PRIMARY KEY, price numeric(8,2) NOT NULL, qty numeric DEFAULT 1,
  total numeric GENERATED ALWAYS AS (price * qty) STORED,
  label text NOT NULL GENERATED ALWAYS AS (upper(name)) STORED, name text);
CREATE INDEX gen_t_label ON gen_t (label);
\d gen_t
COPY gen_t FROM STDIN;
1	2.50	4	widget
2	1.00	\N	gadget
\.
COPY gen_t (id, price, name) FROM STDIN (FORMAT csv);
3,9.99,gizmo
\.
COPY gen_t (id, total) FROM STDIN;
COPY gen_t FROM STDIN;
4	1	1	\N
\.
SELECT * FROM gen_t ORDER BY id;
COPY gen_t TO STDOUT;
COPY gen_t (label) TO STDOUT;
COPY (SELECT id, total, label FROM gen_t ORDER BY id) TO STDOUT (FORMAT csv, HEADER);
\copy gen_t (id, price, qty, name) from stdin
5	3	3	thing
\.
SELECT id, total, label FROM gen_t WHERE label = 'THING';
ALTER TABLE gen_t ADD COLUMN half numeric GENERATED ALWAYS AS (price / 2.0) STORED;
\d gen_t
ALTER TABLE gen_t ALTER COLUMN total DROP EXPRESSION;
\d gen_t
