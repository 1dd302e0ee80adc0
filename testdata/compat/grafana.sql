-- Grafana's PostgreSQL data source (grafana-postgresql-datasource) against a
-- PostgreSQL 15 server: "Save & test" (health check), the configuration
-- page's version auto-detection, the SQL query editor (table and column
-- pickers, builder and code mode) and a simple time-series panel whose
-- macros the backend expands before sending. Then the queries of older
-- Grafana versions (the pre-9 query builder) and of the newest backend
-- schema API.
--
-- Sources (grafana/grafana; one stored version of each file):
--   pkg/tsdb/grafana-postgresql-datasource/pgx/handler_checkhealth.go@1b13755cdccfbc5420c9fcb7d6cf2dad7b2888e6
--   pkg/tsdb/grafana-postgresql-datasource/sqleng/handler_checkhealth.go@0c059270ae12a6b64819f9b818dff64cd98a5276 (lib/pq era)
--   pkg/tsdb/grafana-postgresql-datasource/sqleng/sql_engine.go@043dd88a47944c35205994c4da317e100dc9b12e (Interpolate, execQuery)
--   pkg/tsdb/grafana-postgresql-datasource/macros.go@02ab314b81e2adc656bd7d08cc0533304a0037ff
--   pkg/tsdb/grafana-postgresql-datasource/schema.go@043dd88a47944c35205994c4da317e100dc9b12e
--   public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts@12f912ab8d010f4d95a4043a0efaa20fc4ca0100
--   public/app/plugins/datasource/grafana-postgresql-datasource/datasource.ts@04282cd93150390a7d83089cc520d96546d576a8
--   public/app/plugins/datasource/grafana-postgresql-datasource/sqlUtil.ts@1137a659434e2505dbdaa92c641d08041f2a7a93 (toRawSql)
--   public/app/plugins/datasource/grafana-postgresql-datasource/configuration/useAutoDetectFeatures.ts@3af0110a1a2192523521267b47ee6fede2c8ec57
--   packages/grafana-sql/src/utils/sql.utils.ts@cc18e9a07c883b6bd0e5aefc5d14e3749e9ee09f, defaults.ts@0d439056a4c40e11eab40d0a5f9b88decad2baf1
--   public/app/plugins/datasource/postgres/meta_query.ts@027e669f230fd8228b4376f13363058b5bcd2f35 (Grafana <= 8 query builder)
--   public/app/plugins/datasource/postgres/postgres_query_model.ts@3ec61b8953186b38031fa6c98dcbfae69d873cdd (Grafana <= 8 query builder)
--
-- Panel time range used for macro expansion: now-6h .. now with
-- now = 2024-05-01T12:14:03.512Z, i.e. from 2024-05-01T06:14:03.512Z
-- (unix 1714544043) to 2024-05-01T12:14:03.512Z (unix 1714565643);
-- $__interval = 20s ($__interval_ms = 20000). TimescaleDB is off.
-- The backend sends panel queries with the simple query protocol
-- (pgconn Exec); meta queries of the frontend go through the same path.

-- name: grafana-health-check-ping
-- source: pgx/handler_checkhealth.go CheckHealth -> DataSourceHandler.Ping -> pgxpool Ping -> pgconn.Ping, which sends the simple query "-- ping" (a comment only, an empty query); the lib/pq based sqleng/handler_checkhealth.go of older versions sends ";" (lib/pq conn.Ping). Both get EmptyQueryResponse; recorded as ";". health check ("Save & test")
;

-- name: grafana-config-version
-- source: postgresMetaQuery.ts getVersion(), run by useAutoDetectFeatures.ts when a new data source is saved. config editor: detect the server version
SELECT current_setting('server_version_num')::int/100 as version;

-- name: grafana-config-timescaledb-version
-- source: postgresMetaQuery.ts getTimescaleDBVersion() (server >= 9.6 and timescaledb not yet enabled). config editor: detect TimescaleDB
SELECT extversion FROM pg_extension WHERE extname = 'timescaledb';

-- name: grafana-editor-tables
-- source: postgresMetaQuery.ts showTables() without a schema, via datasource.ts fetchTables() (DB.tables / lookup). query editor: list tables for the table picker and SQL completion
SELECT
    CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      THEN quote_ident(table_name)
      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
    END AS "table"
    FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema',
                             'pg_catalog',
                             '_timescaledb_cache',
                             '_timescaledb_catalog',
                             '_timescaledb_internal',
                             '_timescaledb_config',
                             'timescaledb_information',
                             'timescaledb_experimental')
    ORDER BY CASE WHEN 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          ) THEN 0 ELSE 1 END, 1;

-- name: grafana-editor-columns
-- source: postgresMetaQuery.ts getSchema('orders'), via datasource.ts fetchFields() (DB.fields). query builder: list columns of the chosen table
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('orders'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('orders'))[1]
          AND quote_ident(table_name) = (parse_ident('orders'))[2]
        ELSE quote_ident(table_name) = 'orders'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END;

-- name: grafana-editor-columns-qualified
-- source: postgresMetaQuery.ts getSchema('public.orders') (a schema-qualified table picked from the list). query builder: list columns
SELECT quote_ident(column_name) AS "column", data_type AS "type"
    FROM information_schema.columns
    WHERE
      CASE WHEN array_length(parse_ident('public.orders'),1) = 2
        THEN quote_ident(table_schema) = (parse_ident('public.orders'))[1]
          AND quote_ident(table_name) = (parse_ident('public.orders'))[2]
        ELSE quote_ident(table_name) = 'public.orders'
          AND 
          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )
      END;

-- name: grafana-editor-schemas
-- source: postgresMetaQuery.ts showSchemas() (exported there; not called by the datasource.ts read, kept for versions whose editor offers a schema picker). query editor: list schemas
SELECT schema_name AS "name"
    FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema',
                              'pg_catalog',
                              'pg_toast',
                              '_timescaledb_cache',
                              '_timescaledb_catalog',
                              '_timescaledb_internal',
                              '_timescaledb_config',
                              'timescaledb_information',
                              'timescaledb_experimental')
    ORDER BY schema_name;

-- name: grafana-editor-tables-of-schema
-- source: postgresMetaQuery.ts showTables('public'). query editor: list tables of one schema
SELECT quote_ident(table_name) AS "table"
      FROM information_schema.tables
      WHERE quote_ident(table_schema) = 'public'
      ORDER BY 1;

-- name: grafana-builder-table-query
-- source: sqlUtil.ts toRawSql with grafana-sql createSelectClause (columns id, status, total; default limit 50 from defaults.ts; the builder leaves a trailing space). query builder: table panel
SELECT id, status, total FROM orders LIMIT 50 ;

-- name: grafana-builder-timegroup-query
-- source: sqlUtil.ts toRawSql / createSelectClause with the MACRO_FUNCTIONS entry $__timeGroupAlias(created_at,$__interval) and SUM(total), then sql_engine.go Interpolate ($__interval -> 20s) and macros.go (__timeGroupAlias -> floor(extract(epoch from col)/20)*20 AS "time"). query builder: time series from the builder (columns chosen for illustration; the builder offers only table columns for GROUP BY / ORDER BY)
SELECT floor(extract(epoch from created_at)/20)*20 AS "time", SUM(total) FROM orders GROUP BY created_at ORDER BY created_at LIMIT 50 ;

-- name: grafana-panel-timeseries
-- source: code-mode panel query "SELECT $__timeGroupAlias(created_at, $__interval), sum(total) AS "revenue" FROM orders WHERE $__timeFilter(created_at) GROUP BY 1 ORDER BY 1", expanded by sql_engine.go Interpolate and macros.go (__timeFilter -> col BETWEEN 'from' AND 'to', RFC3339Nano UTC). panel: revenue per 20s bucket
SELECT
  floor(extract(epoch from created_at)/20)*20 AS "time",
  sum(total) AS "revenue"
FROM orders
WHERE created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z'
GROUP BY 1
ORDER BY 1;

-- name: grafana-panel-timeseries-metric
-- source: code-mode panel query "SELECT $__time(created_at), total AS value, status AS metric FROM orders WHERE $__timeFilter(created_at) ORDER BY 1", expanded by macros.go (__time -> col AS "time"). panel: one series per status (long format)
SELECT
  created_at AS "time",
  total AS value,
  status AS metric
FROM orders
WHERE created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z'
ORDER BY 1;

-- name: grafana-panel-timegroup-fill
-- source: code-mode query "SELECT $__timeGroup(created_at, '5m', 0), count(*) AS orders FROM orders WHERE $__timeFilter(created_at) GROUP BY 1 ORDER BY 1": __timeGroup followed by ',' becomes __timeGroupAlias (pre-5.3 compatibility), '5m' is unquoted and parsed, the fill value 0 is applied in Go, not sent. panel: orders per 5 minutes
SELECT floor(extract(epoch from created_at)/300)*300 AS "time", count(*) AS orders FROM orders WHERE created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z' GROUP BY 1 ORDER BY 1;

-- name: grafana-panel-epoch-macros
-- source: code-mode query using $__timeEpoch, $__unixEpochFrom(), $__unixEpochTo() (sql_engine.go Interpolate: seconds since epoch) and $__timeFrom()/$__timeTo() (macros.go: quoted RFC3339Nano). panel: raw rows in the range
SELECT extract(epoch from created_at) as "time", total FROM orders WHERE created_at >= to_timestamp(1714544043) AND created_at < to_timestamp(1714565643) AND created_at <= '2024-05-01T12:14:03.512Z' AND created_at >= '2024-05-01T06:14:03.512Z' ORDER BY 1;

-- name: grafana-panel-stat
-- source: code-mode table-format query "SELECT count(*) AS orders, sum(total) AS revenue FROM orders WHERE $__timeFilter(created_at)", expanded by macros.go. panel: stat
SELECT count(*) AS orders, sum(total) AS revenue FROM orders WHERE created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z';

-- name: grafana-variable-query
-- source: dashboard variable query "SELECT DISTINCT status FROM orders ORDER BY 1" sent by grafana-sql SqlDatasource.metricFindQuery (format table, refId = variable name). dashboard: populate a template variable
SELECT DISTINCT status FROM orders ORDER BY 1;

-- name: grafana-variable-search-filter
-- source: variable query "SELECT DISTINCT status FROM orders WHERE status LIKE '$__searchFilter' ORDER BY 1" with the user typing "sh" (SqlDatasource.metricFindQuery, wildcard '%'). dashboard: searchable variable
SELECT DISTINCT status FROM orders WHERE status LIKE 'sh%' ORDER BY 1;

-- name: grafana-panel-multi-value-variable
-- source: panel query "... WHERE status IN ($status) AND $__timeFilter(created_at) ..." with a multi-value variable (datasource.ts interpolateVariable quotes each value and joins with ','). panel: filtered by a variable
SELECT floor(extract(epoch from created_at)/20)*20 AS "time", sum(total) AS "revenue" FROM orders WHERE status IN ('new','shipped') AND created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z' GROUP BY 1 ORDER BY 1;

-- name: grafana-timescaledb-timegroup
-- source: macros.go __timeGroup with timescaledb enabled renders time_bucket('20.000s',created_at); needs the TimescaleDB extension, so not recorded as a query here. (comment-only entry)

-- name: grafana-legacy-tables
-- source: postgres/meta_query.ts buildTableQuery() (Grafana <= 8 query builder). query builder: FROM picker
SELECT quote_ident(table_name) FROM information_schema.tables WHERE 
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) ORDER BY table_name;

-- name: grafana-legacy-find-metric-table
-- source: postgres/meta_query.ts findMetricTable() (Grafana <= 8 query builder, new panel). query builder: pick a default table with a timestamp and a float8 column
SELECT
	quote_ident(table_name) as table_name,
	( SELECT
	    quote_ident(column_name) as column_name
	  FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
    ORDER BY ordinal_position LIMIT 1
  ) AS time_column,
  ( SELECT
      quote_ident(column_name) AS column_name
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
    ORDER BY ordinal_position LIMIT 1
  ) AS value_column
FROM information_schema.tables t
WHERE 
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name IN ('timestamptz','timestamp')
  ) AND
  EXISTS
  ( SELECT 1
    FROM information_schema.columns c
    WHERE
      c.table_schema = t.table_schema AND
      c.table_name = t.table_name AND
      udt_name='float8'
  )
LIMIT 1
;

-- name: grafana-legacy-time-columns
-- source: postgres/meta_query.ts buildColumnQuery('time') for table orders. query builder: time column picker
SELECT quote_ident(column_name) FROM information_schema.columns WHERE 
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND table_name = 'orders' AND data_type IN ('timestamp without time zone','timestamp with time zone','bigint','integer','double precision','real') ORDER BY column_name;

-- name: grafana-legacy-value-columns
-- source: postgres/meta_query.ts buildColumnQuery('value') for table orders, time column created_at. query builder: value column picker
SELECT quote_ident(column_name) FROM information_schema.columns WHERE 
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND table_name = 'orders' AND data_type IN ('bigint','integer','double precision','real','numeric') AND column_name <> 'created_at' ORDER BY column_name;

-- name: grafana-legacy-metric-columns
-- source: postgres/meta_query.ts buildColumnQuery('metric') for table public.orders (schema-qualified: buildTableConstraint). query builder: metric column picker
SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'orders' AND data_type IN ('text','character','character varying') ORDER BY column_name;

-- name: grafana-legacy-datatype
-- source: postgres/meta_query.ts buildDatatypeQuery('created_at') for table orders. query builder: type of the time column
SELECT udt_name FROM information_schema.columns WHERE 
table_schema IN (
  SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s
) AND table_name = 'orders' AND column_name = 'created_at';

-- name: grafana-legacy-aggregates
-- source: postgres/meta_query.ts buildAggregateQuery(). query builder: aggregate function menu
SELECT DISTINCT proname FROM pg_aggregate INNER JOIN pg_proc ON pg_aggregate.aggfnoid = pg_proc.oid INNER JOIN pg_type ON pg_type.oid=pg_proc.prorettype WHERE pronargs=1 AND typname IN ('float8') AND aggkind='n' ORDER BY 1;

-- name: grafana-legacy-where-values
-- source: postgres/meta_query.ts buildValueQuery('status') for table orders, time column created_at, $__timeFilter expanded by the backend. query builder: WHERE value suggestions
SELECT DISTINCT quote_literal(status) FROM orders WHERE created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z' AND status IS NOT NULL ORDER BY 1 LIMIT 100;

-- name: grafana-legacy-panel-query
-- source: postgres/postgres_query_model.ts buildQuery() (time column created_at, GROUP BY time($__interval, none), avg(total) AS "total", default $__timeFilter), expanded by the backend. panel: default legacy-builder time series
SELECT
  floor(extract(epoch from created_at)/20)*20 AS "time",
  avg(total) AS "total"
FROM orders
WHERE
  created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z'
GROUP BY 1
ORDER BY 1;

-- name: grafana-legacy-panel-query-metric
-- source: postgres/postgres_query_model.ts buildQuery() with metric column status and sum(total), expanded by the backend. panel: legacy-builder series per status
SELECT
  floor(extract(epoch from created_at)/20)*20 AS "time",
  status AS metric,
  sum(total) AS "total"
FROM orders
WHERE
  created_at BETWEEN '2024-05-01T06:14:03.512Z' AND '2024-05-01T12:14:03.512Z'
GROUP BY 1,2
ORDER BY 1,2;

-- name: grafana-schema-api-schemas
-- source: schema.go querySchemas (newest backend schema API, grafana/schemads: Schema/Tables/TableParameterValues handlers). schema API: list schemas
SELECT schema_name FROM information_schema.schemata
		 WHERE schema_name NOT LIKE 'pg_%' AND schema_name != 'information_schema'
		 ORDER BY schema_name;

-- name: grafana-schema-api-tables
-- source: schema.go queryTables, $1 = 'public' (pgx, extended protocol). schema API: list tables and views of a schema
SELECT table_name FROM information_schema.tables
		 WHERE table_schema = 'public' AND table_type IN ('BASE TABLE', 'VIEW')
		 ORDER BY table_name;

-- name: grafana-schema-api-columns
-- source: schema.go queryColumns, $1 = 'public', $2 = 'orders'. schema API: columns of a table
SELECT column_name, data_type, udt_name, numeric_precision, numeric_scale
		 FROM information_schema.columns
		 WHERE table_schema = 'public' AND table_name = 'orders'
		 ORDER BY ordinal_position;

-- name: grafana-schema-api-column-values
-- source: schema.go ColumnValues for columns status and customer_id of public.orders (distinctValuesLimit 100, parts joined with " UNION ALL "). schema API: distinct values for filters
SELECT 'status' AS col_name, "status"::text AS val FROM (SELECT DISTINCT "status" FROM "public"."orders" WHERE "status" IS NOT NULL ORDER BY "status" LIMIT 100) sub_0 UNION ALL SELECT 'customer_id' AS col_name, "customer_id"::text AS val FROM (SELECT DISTINCT "customer_id" FROM "public"."orders" WHERE "customer_id" IS NOT NULL ORDER BY "customer_id" LIMIT 100) sub_1;
