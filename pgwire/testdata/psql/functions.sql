-- SQL functions: \df lists them, \df+ describes one, \sf shows its
-- definition.
CREATE SCHEMA psqlfn;
SET search_path = psqlfn;
CREATE FUNCTION psqlfn.add_one(n integer, step integer DEFAULT 1) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT n + step $$;
CREATE FUNCTION psqlfn.greet(who text) RETURNS text LANGUAGE sql AS 'SELECT ''hello '' || who';
COMMENT ON FUNCTION psqlfn.greet(text) IS 'says hello';
SELECT add_one(41), add_one(40, step => 2), greet('psql');
\df psqlfn.*
\df+ psqlfn.greet
\sf psqlfn.add_one
\sf+ psqlfn.greet
DROP FUNCTION psqlfn.add_one;
\df psqlfn.*
DROP SCHEMA psqlfn CASCADE;
RESET search_path;
