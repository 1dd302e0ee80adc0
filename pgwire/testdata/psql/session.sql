-- An interactive-style session read from a pipe.
\set ON_ERROR_STOP 0
\set answer 42
\echo answer is :answer
SELECT :answer AS answer, :'answer' AS quoted;
SHOW DateStyle;
SET DateStyle = 'German';
SHOW DateStyle;
RESET DateStyle;
SHOW DateStyle;
BEGIN;
SELECT 1 AS in_tx;
\echo :AUTOCOMMIT
SELECT 1/0;
SELECT 'after error';
ROLLBACK;
BEGIN;
SET LOCAL TimeZone = 'Europe/Rome';
SHOW TimeZone;
COMMIT;
SHOW TimeZone;
SELECT current_setting('application_name') AS app;
\set VERBOSITY verbose
SELECT 'abc'::int;
\set VERBOSITY default
SELECT 1 AS a, 'two' AS b
\g
\pset format unaligned
SELECT 1 AS a, 'two' AS b;
\pset format aligned
\x on
SELECT 1 AS a, 'two' AS b;
\x off
SELECT $$multi
line$$ AS text;
\echo :LAST_ERROR_SQLSTATE
\q
SELECT 'after quit';
