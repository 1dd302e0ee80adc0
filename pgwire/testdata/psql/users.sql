CREATE USER ud_alice WITH PASSWORD 'Alice#2024';
CREATE ROLE ud_bob LOGIN PASSWORD 'Bob#2024x' SUPERUSER;
CREATE ROLE ud_nologin NOINHERIT;
CREATE USER ud_weak PASSWORD 'weakpass';
ALTER USER ud_alice NOLOGIN;
CREATE USER "ud_x""; DROP TABLE t; --" PASSWORD 'Quote#123';
CREATE ROLE ud_group ROLE ud_bob;
GRANT ud_group TO ud_alice WITH ADMIN OPTION;
\du
CREATE DATABASE ud_db1;
CREATE DATABASE ud_db2 OWNER ud_alice;
CREATE DATABASE ud_db1;
\l ud_*
DROP USER ud_alice;
ALTER USER ud_alice RENAME TO ud_carol;
\l ud_db2
ALTER DATABASE ud_db2 RENAME TO ud_db3;
DROP DATABASE ud_db1;
DROP DATABASE IF EXISTS ud_db1;
DROP DATABASE ud_db3;
DROP USER ud_carol, ud_bob, ud_nologin, "ud_x""; DROP TABLE t; --", ud_group;
DROP USER IF EXISTS ud_carol;
\du
