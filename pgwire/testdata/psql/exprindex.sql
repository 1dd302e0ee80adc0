-- Expression indexes through psql: \d shows the key expressions, \d of
-- the index its columns with their definitions; COPY keeps a unique
-- expression index as INSERT does. The output matches psql 15's against
-- PostgreSQL 15 after the same script, but for the owner.
CREATE TABLE ex_t (id int PRIMARY KEY, email text NOT NULL, score int, body jsonb);
CREATE UNIQUE INDEX ex_t_email_ci ON ex_t (lower(email));
CREATE INDEX ex_t_mixed ON ex_t ((score * 2) DESC, id) WHERE score > 0;
CREATE INDEX ex_t_kind ON ex_t ((body->>'kind'));
\d ex_t
\d ex_t_email_ci
\d ex_t_mixed
COPY ex_t FROM STDIN;
1	Ann@x	1	{"kind": "a"}
2	bob@x	2	{"kind": "b"}
\.
COPY ex_t FROM STDIN;
3	ANN@X	3	{}
\.
SELECT id, email FROM ex_t WHERE lower(email) = 'ann@x';
SELECT id FROM ex_t WHERE body->>'kind' = 'b';
\di ex_t*
