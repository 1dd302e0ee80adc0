CREATE DATABASE drds_db;
CREATE ROLE drds_app LOGIN;
ALTER DATABASE drds_db SET timezone TO 'Europe/Rome';
ALTER DATABASE drds_db SET search_path = a, b;
ALTER ROLE drds_app SET statement_timeout = '1min';
ALTER USER drds_app IN DATABASE drds_db SET work_mem = '8MB';
\drds
\drds drds_app
\drds * drds_db
ALTER ROLE drds_app RENAME TO drds_app2;
ALTER DATABASE drds_db RENAME TO drds_db2;
\drds
DROP DATABASE drds_db2;
\drds
DROP ROLE drds_app2;
\drds
