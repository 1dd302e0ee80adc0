-- Extensions through psql: \dx lists the installed ones with their
-- schemas and comments (describe.sql lists an extension's members with
-- \dx+). The output matches psql 15's against PostgreSQL 15 after the
-- same script.
\dx
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS plpgsql;
CREATE EXTENSION pgcrypto;
COMMENT ON EXTENSION pgcrypto IS 'hashing';
\dx
\dx uuid*
DROP EXTENSION pgcrypto, "uuid-ossp";
\dx
