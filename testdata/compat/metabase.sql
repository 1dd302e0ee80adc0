-- Metabase (driver :postgres, over pgjdbc) against a PostgreSQL 15 server:
-- an admin adds the database biqueries_scratch (connection test), Metabase
-- syncs it (tables, fields, primary keys, foreign keys, JSON unfolding,
-- table privileges), analyzes it (fingerprints, field values) and a user
-- then asks a few query-builder questions on orders.
--
-- Source text (HoneySQL forms rendered by hand with Metabase's quoting:
-- identifiers double-quoted, function names upper-cased, numbers and
-- strings that HoneySQL would bind as ? filled in):
--   metabase/metabase src/metabase/driver/postgres.clj@008fd6675457cdd62da2265628bed3b725a607ea
--   metabase/metabase src/metabase/driver/sql_jdbc/connection.clj (can-connect-with-spec?)
--   metabase/metabase src/metabase/driver/sql_jdbc/execute.clj@0041072d8fccaf81c6fbc2982a78bd347f6acafd (connection options)
--   metabase/metabase src/metabase/driver/sql_jdbc/sync/describe_database.clj@00f84ab8adde06abf9ac93e22f7d6dbbf5e089de
--   metabase/metabase src/metabase/driver/sql_jdbc/sync/describe_table.clj@00c37c6669cda403ee73601d8d7c8b2926d3de42
--   metabase/metabase src/metabase/driver/common/table_rows_sample.clj@05e508f610d57a156e1d347428c54c6fb85e9c9d
-- Cross-checked against a third-party capture of the SQL that Metabase
-- v0.62.1.5 sent to PostgreSQL 16 while syncing two demo tables (found in
-- the public code index; repository not identified). Entries marked
-- "capture" come only from that capture.
--
-- Metabase prefixes query-processor SQL (fingerprints, field values,
-- questions) with a remark comment line ("-- Metabase" for sync,
-- "-- Metabase:: userID: ..." for a user's question); it is kept here as
-- the first line of those queries.

-- name: metabase-set-application-name
-- source: capture (Metabase v0.62.1.5), first statement on each new connection; origin in the Metabase source not traced. connect: name the session
SET application_name = 'Metabase v0.62.1.5 [d4fe74c4-96c3-4812-b3ae-35e513752b13]';

-- name: metabase-can-connect
-- source: src/metabase/driver/sql_jdbc/connection.clj can-connect-with-spec?. connection test ("Save" in Admin > Databases), on an unpooled connection
SELECT 1;

-- name: metabase-show-transaction-isolation
-- source: capture; pgjdbc's Connection.getTransactionIsolation() sends this (the c3p0 pool reads the default isolation of a new pooled connection). connect: pooled connection set-up
SHOW TRANSACTION ISOLATION LEVEL;

-- name: metabase-current-catalog
-- source: capture; sent on a new pooled connection, origin (pgjdbc/c3p0) not traced. connect: pooled connection set-up
select current_catalog;

-- name: metabase-set-read-uncommitted
-- source: src/metabase/driver/sql_jdbc/execute.clj set-best-transaction-level! -> Connection.setTransactionIsolation(TRANSACTION_READ_UNCOMMITTED); pgjdbc sends this SET (seen in the capture). every do-with-connection-with-options
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ UNCOMMITTED;

-- name: metabase-set-read-committed
-- source: capture; the c3p0 pool restores the default isolation level when the connection is checked back in (pgjdbc sends this SET). after each use of a pooled connection
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED;

-- name: metabase-jdbc-connection-options
-- source: src/metabase/driver/sql_jdbc/execute.clj set-default-connection-options! (setReadOnly(true), setAutoCommit(true), setHoldability send no SQL with pgjdbc defaults) and src/metabase/driver/sql_jdbc/sync/dbms_version.clj. sync: dbms version (DatabaseMetaData, no SQL)
-- jdbc: supportsTransactionIsolationLevel(Connection.TRANSACTION_READ_UNCOMMITTED)
-- jdbc: getDatabaseProductName(), getDatabaseProductVersion(), getDatabaseMajorVersion(), getDatabaseMinorVersion()

-- name: metabase-jdbc-get-schemas
-- source: src/metabase/driver/sql_jdbc/sync/describe_database.clj all-schemas (via filtered-syncable-schemas / driver/syncable-schemas, used by describe-syncable-tables in postgres.clj). sync: list schemas; pgjdbc queries pg_namespace
-- jdbc: getSchemas()

-- name: metabase-table-privileges
-- source: src/metabase/driver/postgres.clj current-user-table-privileges (lines joined with "\n" as in the source). sync: tables the user may SELECT (describe-database) and sync-table-privileges
with table_privileges as (
 select
   NULL as role,
   t.schemaname as schema,
   t.objectname as table,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
   pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
 from (
   select schemaname, tablename as objectname from pg_catalog.pg_tables
   union
   select schemaname, viewname as objectname from pg_catalog.pg_views
   union
   select schemaname, matviewname as objectname from pg_catalog.pg_matviews
 ) t
 where t.schemaname !~ '^pg_'
   and t.schemaname <> 'information_schema'
   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
)
select t.*
from table_privileges t;

-- name: metabase-sync-tables
-- source: src/metabase/driver/postgres.clj get-tables-sql (dialect :ansi), schemas = ('public'). sync: list tables, views and materialized views with comments and estimated row counts
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", "stat"."n_live_tup" AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public')) ORDER BY "type" ASC, "schema" ASC, "name" ASC;

-- name: metabase-sync-tables-v062
-- source: capture (Metabase v0.62.1.5): newer form of get-tables-sql, estimated_row_count wrapped in NULLIF(..., 0). sync: list tables
SELECT "n"."nspname" AS "schema", "c"."relname" AS "name", CASE "c"."relkind" WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type", "d"."description" AS "description", NULLIF("stat"."n_live_tup", 0) AS "estimated_row_count" FROM "pg_catalog"."pg_class" AS "c" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "c"."relnamespace" = "n"."oid" LEFT JOIN "pg_catalog"."pg_description" AS "d" ON ("c"."oid" = "d"."objoid") AND ("d"."objsubid" = 0) AND ("d"."classoid" = 'pg_class'::regclass) LEFT JOIN "pg_stat_user_tables" AS "stat" ON ("n"."nspname" = "stat"."schemaname") AND ("c"."relname" = "stat"."relname") WHERE ("c"."relnamespace" = "n"."oid") AND ("n"."nspname" !~ '^pg_') AND ("n"."nspname" <> 'information_schema') AND c.relkind in ('r', 'p', 'v', 'f', 'm') AND ("n"."nspname" IN ('public')) ORDER BY "type" ASC, "schema" ASC, "name" ASC;

-- name: metabase-db-default-timezone
-- source: src/metabase/driver/postgres.clj driver/db-default-timezone. sync: sync-timezone
show timezone;

-- name: metabase-enum-types
-- source: src/metabase/driver/postgres.clj enum-types (describe-fields-pre-process-xf). sync: fields, find enum types
SELECT nspname, typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.oid IN (SELECT DISTINCT enumtypid FROM pg_enum e);

-- name: metabase-sync-fields
-- source: src/metabase/driver/postgres.clj describe-fields-sql (union of information_schema.columns and materialized-view attributes), schema-names = ('public'). sync: columns of all tables with types, positions, primary keys, comments, required/auto-increment flags
SELECT "c"."column_name" AS "name", CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", "c"."ordinal_position" - 1 AS "database-position", "c"."table_schema" AS "table-schema", "c"."table_name" AS "table-name", "pk"."column_name" IS NOT NULL AS "pk?", COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID), "c"."ordinal_position") AS "field-comment", (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO') AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required", (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment" FROM "information_schema"."columns" AS "c" LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name" FROM "information_schema"."table_constraints" AS "tc" INNER JOIN "information_schema"."key_column_usage" AS "kc" ON ("tc"."constraint_name" = "kc"."constraint_name") AND ("tc"."table_schema" = "kc"."table_schema") AND ("tc"."table_name" = "kc"."table_name") WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk" ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name") WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN ('public')) UNION ALL SELECT "pa"."attname" AS "name", CASE WHEN "ptn"."nspname" IN ('public', 'pg_catalog') THEN FORMAT('%s', "pt"."typname") ELSE FORMAT('"%s"."%s"', "ptn"."nspname", "pt"."typname") END AS "database-type", "pa"."attnum" - 1 AS "database-position", "pn"."nspname" AS "table-schema", "pc"."relname" AS "table-name", FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required", FALSE AS "database-is-auto-increment" FROM "pg_catalog"."pg_class" AS "pc" INNER JOIN "pg_catalog"."pg_namespace" AS "pn" ON "pn"."oid" = "pc"."relnamespace" INNER JOIN "pg_catalog"."pg_attribute" AS "pa" ON "pa"."attrelid" = "pc"."oid" INNER JOIN "pg_catalog"."pg_type" AS "pt" ON "pt"."oid" = "pa"."atttypid" INNER JOIN "pg_catalog"."pg_namespace" AS "ptn" ON "ptn"."oid" = "pt"."typnamespace" WHERE ("pc"."relkind" = 'm') AND ("pa"."attnum" >= 1) AND ("pn"."nspname" IN ('public')) ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC;

-- name: metabase-sync-fields-v062
-- source: capture (Metabase v0.62.1.5): newer form of describe-fields-sql with database-default, database-is-generated (is_generated = 'ALWAYS', a bound parameter) and database-is-nullable. sync: columns of all tables
SELECT "c"."column_name" AS "name", CASE WHEN "c"."udt_schema" IN ('public', 'pg_catalog') THEN FORMAT('%s', "c"."udt_name") ELSE FORMAT('"%s"."%s"', "c"."udt_schema", "c"."udt_name") END AS "database-type", "c"."ordinal_position" - 1 AS "database-position", "c"."table_schema" AS "table-schema", "c"."table_name" AS "table-name", "pk"."column_name" IS NOT NULL AS "pk?", COL_DESCRIPTION(CAST(CAST(FORMAT('%I.%I', CAST("c"."table_schema" AS TEXT), CAST("c"."table_name" AS TEXT)) AS REGCLASS) AS OID), "c"."ordinal_position") AS "field-comment", (("column_default" IS NULL) OR (LOWER("column_default") = 'null')) AND ("is_nullable" = 'NO') AND NOT ((("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO')) AS "database-required", "column_default" AS "database-default", (("column_default" IS NOT NULL) AND ("column_default" LIKE '%nextval(%')) OR ("is_identity" <> 'NO') AS "database-is-auto-increment", "is_generated" = 'ALWAYS' AS "database-is-generated", "is_nullable" = 'YES' AS "database-is-nullable" FROM "information_schema"."columns" AS "c" LEFT JOIN (SELECT "tc"."table_schema", "tc"."table_name", "kc"."column_name" FROM "information_schema"."table_constraints" AS "tc" INNER JOIN "information_schema"."key_column_usage" AS "kc" ON ("tc"."constraint_name" = "kc"."constraint_name") AND ("tc"."table_schema" = "kc"."table_schema") AND ("tc"."table_name" = "kc"."table_name") WHERE "tc"."constraint_type" = 'PRIMARY KEY') AS "pk" ON ("c"."table_schema" = "pk"."table_schema") AND ("c"."table_name" = "pk"."table_name") AND ("c"."column_name" = "pk"."column_name") WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND ("c"."table_schema" IN ('public')) UNION ALL SELECT "pa"."attname" AS "name", CASE WHEN "ptn"."nspname" IN ('public', 'pg_catalog') THEN FORMAT('%s', "pt"."typname") ELSE FORMAT('"%s"."%s"', "ptn"."nspname", "pt"."typname") END AS "database-type", "pa"."attnum" - 1 AS "database-position", "pn"."nspname" AS "table-schema", "pc"."relname" AS "table-name", FALSE AS "pk?", NULL AS "field-comment", FALSE AS "database-required", NULL AS "database-default", FALSE AS "database-is-auto-increment", FALSE AS "database-is-generated", FALSE AS "database-is-nullable" FROM "pg_catalog"."pg_class" AS "pc" INNER JOIN "pg_catalog"."pg_namespace" AS "pn" ON "pn"."oid" = "pc"."relnamespace" INNER JOIN "pg_catalog"."pg_attribute" AS "pa" ON "pa"."attrelid" = "pc"."oid" INNER JOIN "pg_catalog"."pg_type" AS "pt" ON "pt"."oid" = "pa"."atttypid" INNER JOIN "pg_catalog"."pg_namespace" AS "ptn" ON "ptn"."oid" = "pt"."typnamespace" WHERE ("pc"."relkind" = 'm') AND ("pa"."attnum" >= 1) AND ("pn"."nspname" IN ('public')) ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC;

-- name: metabase-sync-fks
-- source: src/metabase/driver/postgres.clj describe-fks-sql, schema-names = ('public'). sync: foreign keys of all tables
SELECT "fk_ns"."nspname" AS "fk-table-schema", "fk_table"."relname" AS "fk-table-name", "fk_column"."attname" AS "fk-column-name", "pk_ns"."nspname" AS "pk-table-schema", "pk_table"."relname" AS "pk-table-name", "pk_column"."attname" AS "pk-column-name" FROM "pg_constraint" AS "c" INNER JOIN "pg_class" AS "fk_table" ON "c"."conrelid" = "fk_table"."oid" INNER JOIN "pg_namespace" AS "fk_ns" ON "c"."connamespace" = "fk_ns"."oid" INNER JOIN "pg_attribute" AS "fk_column" ON "c"."conrelid" = "fk_column"."attrelid" INNER JOIN "pg_class" AS "pk_table" ON "c"."confrelid" = "pk_table"."oid" INNER JOIN "pg_namespace" AS "pk_ns" ON "pk_table"."relnamespace" = "pk_ns"."oid" INNER JOIN "pg_attribute" AS "pk_column" ON "c"."confrelid" = "pk_column"."attrelid" WHERE fk_ns.nspname !~ '^information_schema|catalog_history|pg_' AND ("c"."contype" = 'f'::char) AND ("fk_column"."attnum" = ANY(c.conkey)) AND ("pk_column"."attnum" = ANY(c.confkey)) AND ("fk_ns"."nspname" IN ('public')) ORDER BY "fk-table-schema" ASC, "fk-table-name" ASC;

-- name: metabase-sync-indexes
-- source: src/metabase/driver/postgres.clj describe-indexes-sql, schema-names = ('public'). sync: first column of each unfiltered index; only runs when the :index-info feature is on, which the source comments out ("Index sync is turned off across the application")
SELECT "tmp"."table-schema", "tmp"."table-name", TRIM(BOTH '"' FROM PG_CATALOG.PG_GET_INDEXDEF("tmp"."ci_oid", "tmp"."pos", FALSE)) AS "field-name" FROM (SELECT "n"."nspname" AS "table-schema", "ct"."relname" AS "table-name", "ci"."oid" AS "ci_oid", (INFORMATION_SCHEMA._PG_EXPANDARRAY("i"."indkey"))."n" AS "pos" FROM "pg_catalog"."pg_class" AS "ct" INNER JOIN "pg_catalog"."pg_namespace" AS "n" ON "ct"."relnamespace" = "n"."oid" INNER JOIN "pg_catalog"."pg_index" AS "i" ON "ct"."oid" = "i"."indrelid" INNER JOIN "pg_catalog"."pg_class" AS "ci" ON "ci"."oid" = "i"."indexrelid" WHERE (PG_CATALOG.PG_GET_EXPR("i"."indpred", "i"."indrelid") IS NULL) AND n.nspname !~ '^information_schema|catalog_history|pg_' AND ("n"."nspname" IN ('public'))) AS "tmp" WHERE "tmp"."pos" = 1;

-- name: metabase-jdbc-json-unfolding-metadata
-- source: src/metabase/driver/sql_jdbc/sync/describe_table.clj describe-nested-field-columns -> table->unfold-json-fields (jdbc-fields-metadata) and get-table-pks; run once per synced table (customers, orders, order_items, order_totals). sync: find JSON columns and primary keys
-- jdbc: getColumns(null, "public", "customers", null)
-- jdbc: getPrimaryKeys(null, "public", "customers")
-- jdbc: getColumns(null, "public", "orders", null)
-- jdbc: getPrimaryKeys(null, "public", "orders")
-- jdbc: getColumns(null, "public", "order_items", null)
-- jdbc: getPrimaryKeys(null, "public", "order_items")
-- jdbc: getColumns(null, "public", "order_totals", null)
-- jdbc: getPrimaryKeys(null, "public", "order_totals")

-- name: metabase-json-unfolding-sample
-- source: src/metabase/driver/sql_jdbc/sync/describe_table.clj sample-json-row-honey-sql with a primary key (first and last 250 rows: nested-field-sample-limit 500 / 2), nested-field-columns-value-length-limit 50000, postgres json-field-length = LENGTH(CAST(x AS TEXT)). sync: sample the jsonb column customers.attributes to infer nested fields
SELECT CASE WHEN 50000 < LENGTH(CAST("public"."customers"."attributes" AS TEXT)) THEN NULL ELSE "public"."customers"."attributes" END AS "attributes" FROM "public"."customers" INNER JOIN ((SELECT "public"."customers"."id" FROM "public"."customers" ORDER BY "public"."customers"."id" ASC LIMIT 250) UNION ALL (SELECT "public"."customers"."id" FROM "public"."customers" ORDER BY "public"."customers"."id" DESC LIMIT 250)) AS "result" ON "result"."id" = "public"."customers"."id";

-- name: metabase-fingerprint-customers
-- source: src/metabase/driver/common/table_rows_sample.clj table-rows-sample (limit max-sample-rows 10000, text fields truncated with SUBSTRING(x, 1, 1234)); shape as in the capture, primary key not fingerprinted. analyze: fingerprint customers
-- Metabase
SELECT SUBSTRING("public"."customers"."name", 1, 1234) AS "substring4476", SUBSTRING("public"."customers"."email", 1, 1234) AS "substring4477", "public"."customers"."is_active" AS "is_active", "public"."customers"."created_at" AS "created_at" FROM "public"."customers" LIMIT 10000;

-- name: metabase-fingerprint-orders
-- source: src/metabase/driver/common/table_rows_sample.clj table-rows-sample (see above). analyze: fingerprint orders
-- Metabase
SELECT "public"."orders"."customer_id" AS "customer_id", "public"."orders"."invoice_number" AS "invoice_number", SUBSTRING("public"."orders"."status", 1, 1234) AS "substring4478", "public"."orders"."total" AS "total", "public"."orders"."ordered_on" AS "ordered_on", "public"."orders"."created_at" AS "created_at" FROM "public"."orders" LIMIT 10000;

-- name: metabase-field-values-status
-- source: metabase field-distinct-values (metadata-queries: breakout on the field, limit absolute-max-distinct-values-limit 1000; the query processor orders a breakout ascending). analyze: cache the distinct values of the category field orders.status
-- Metabase
SELECT "public"."orders"."status" AS "status" FROM "public"."orders" GROUP BY "public"."orders"."status" ORDER BY "public"."orders"."status" ASC LIMIT 1000;

-- name: metabase-question-raw-orders
-- source: Metabase query processor for an MBQL question with no aggregation (bare rows, limit 2000), sql.qp field compilation as in the capture. query builder: open the orders table
-- Metabase:: userID: 1 queryType: MBQL queryHash: 5b1d0c6e4f0a3e9c2d7b8a91f6e4c3b2a1d0e9f8c7b6a5d4e3f2a1b0c9d8e7f6
SELECT "public"."orders"."id" AS "id", "public"."orders"."customer_id" AS "customer_id", "public"."orders"."invoice_number" AS "invoice_number", "public"."orders"."status" AS "status", "public"."orders"."total" AS "total", "public"."orders"."ordered_on" AS "ordered_on", "public"."orders"."created_at" AS "created_at" FROM "public"."orders" LIMIT 2000;

-- name: metabase-question-count
-- source: capture (GUI question "Count of Orders"). query builder: count rows
-- Metabase:: userID: 1 queryType: MBQL queryHash: a54de39466cbf3e82ff09c5a9a2bccf1f922bf9fd59b2717c1ad5e09a1c0bfbc
SELECT COUNT(*) AS "count" FROM "public"."orders";

-- name: metabase-question-count-by-month
-- source: src/metabase/driver/postgres.clj date-trunc (timestamptz is not cast; DATE_TRUNC('month', ...)), breakout ordered ascending. query builder: count of orders by created_at: month
-- Metabase:: userID: 1 queryType: MBQL queryHash: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
SELECT DATE_TRUNC('month', "public"."orders"."created_at") AS "created_at", COUNT(*) AS "count" FROM "public"."orders" GROUP BY DATE_TRUNC('month', "public"."orders"."created_at") ORDER BY DATE_TRUNC('month', "public"."orders"."created_at") ASC;

-- name: metabase-question-sum-filtered
-- source: Metabase query processor (a filter value is bound as ?, filled in here). query builder: sum of total where status is shipped, by customer
-- Metabase:: userID: 1 queryType: MBQL queryHash: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
SELECT "public"."orders"."customer_id" AS "customer_id", SUM("public"."orders"."total") AS "sum" FROM "public"."orders" WHERE "public"."orders"."status" = 'shipped' GROUP BY "public"."orders"."customer_id" ORDER BY "public"."orders"."customer_id" ASC;
