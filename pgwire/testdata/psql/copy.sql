-- COPY through psql: data inline in the script, \copy, errors with their
-- context lines, COPY in a transaction block. The output matches
-- PostgreSQL 15's for the same script, but for the server file and
-- program at the end, which stela refuses (0A000) whoever asks.
CREATE TABLE copy_t (a int PRIMARY KEY, b text NOT NULL, c numeric CHECK (c > 0), d text DEFAULT 'dflt');
COPY copy_t (a, b, c) FROM STDIN;
1	one	1.5
2	tab\there	2
3	\N	3
\.
SELECT count(*) FROM copy_t;
COPY copy_t (a, b, c) FROM STDIN;
1	one	1.5
2	tab\there	2
\.
COPY copy_t FROM STDIN WITH (FORMAT csv, HEADER);
a,b,c,d
3,"quoted, comma",3,
4,"multi
line",4,x
\.
SELECT * FROM copy_t ORDER BY a;
COPY copy_t TO STDOUT;
COPY copy_t TO STDOUT WITH CSV HEADER;
COPY (SELECT a, b FROM copy_t WHERE a > 2 ORDER BY a) TO STDOUT (FORMAT csv, FORCE_QUOTE *);
COPY copy_t (c, a) TO STDOUT (DELIMITER '|', NULL 'none');
COPY copy_t (a, b, c) FROM STDIN;
5	five
\.
COPY copy_t (a, b, c) FROM STDIN;
5	five	5	extra
\.
COPY copy_t (a, b, c) FROM STDIN;
6	six	6
1	dup	1
\.
COPY copy_t (a, b, c) FROM STDIN;
6	six	abc
\.
COPY copy_t (a, b, c) FROM STDIN;
6	six	-6
\.
COPY copy_t (a, b) FROM STDIN (FORMAT csv);
7,"unterminated
\.
COPY copy_t (a, b) FROM STDIN (FORMAT csv, HEADER match);
a,x
\.
COPY copy_t (a, zz) FROM STDIN;
COPY copy_t (a, a) FROM STDIN;
\copy copy_t (a, b, c) from stdin
8	eight	8
\.
\copy copy_t (a, b, c) to stdout
BEGIN;
COPY copy_t (a, b, c) FROM STDIN;
9	nine	9
\.
COPY copy_t (a, b, c) FROM STDIN;
9	again	9
\.
SELECT 1;
ROLLBACK;
BEGIN;
COPY copy_t (a, b, c) FROM STDIN;
10	ten	10
\.
COMMIT;
SELECT a, b, d FROM copy_t ORDER BY a;
COPY copy_t FROM '/etc/passwd';
COPY copy_t TO PROGRAM 'cat';
CREATE VIEW copy_v AS SELECT a FROM copy_t;
COPY copy_v TO STDOUT;
COPY copy_v FROM STDIN;
