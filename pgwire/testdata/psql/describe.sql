-- psql's describe commands that join pg_description on tableoid or
-- describe objects with pg_describe_object: \dD (domains), \dL
-- (procedural languages: plpgsql, the built-in extension's) and \dx+
-- (an extension's members). The output matches psql 15's against
-- PostgreSQL 15 after the same script, but the owner's name.
CREATE DOMAIN desc_d1 AS int CHECK (VALUE > 0);
CREATE DOMAIN desc_d2 AS text NOT NULL;
CREATE TYPE desc_e1 AS ENUM ('a', 'b');
CREATE TABLE desc_t1 (id serial PRIMARY KEY, a desc_d1, b desc_e1, c text DEFAULT 'x' UNIQUE);
COMMENT ON TABLE desc_t1 IS 'tab';
\dD desc_*
\dD+ desc_*
\dD desc_d1
\dL
CREATE EXTENSION "uuid-ossp";
\dx+ uuid-ossp
DROP EXTENSION "uuid-ossp";
CREATE EXTENSION pgcrypto;
\dx+ pgcrypto
DROP EXTENSION pgcrypto;
DROP TABLE desc_t1;
DROP TYPE desc_e1;
DROP DOMAIN desc_d1, desc_d2;
