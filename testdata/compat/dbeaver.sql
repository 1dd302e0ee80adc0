-- DBeaver (PostgreSQL plugin, org.jkiss.dbeaver.ext.postgresql) talking to a
-- PostgreSQL 15 server: a user opens a connection to database
-- biqueries_scratch (default settings: "show all databases" off, templates
-- hidden, statistics off), then expands public -> Tables -> orders ->
-- Columns / Constraints / Indexes, and looks at Views, Sequences and
-- Functions of public.
--
-- Source text: dbeaver/dbeaver plugins/org.jkiss.dbeaver.ext.postgresql,
-- read from forks that track current master because the stored copies of
-- dbeaver/dbeaver itself are from 2017 (see README.md):
--   HuaweiCloudDeveloper/dbeaver@143b94c84c888f60068b890c617ea39c708d8503 (PostgreSchema.java)
--   Pandinosaurus/dbeaver@046ccef1da3bbcaa6c787f73bc918c996ae21cc8 (PostgreDataSource.java, PostgreDatabase.java; 2025)
--   GChuf/dbeaver@39e8fc0b9152cb4e9516b1f89814cad131628124 (PostgreExecutionContext.java, PostgreSequence.java,
--     PostgreDialect.java, impls/PostgreServerPostgreSQL.java; 2024/2025)
-- The same SQL text is in Akshita-Sahu/SQBase@4092848e (2026 copy).
--
-- Parameters are filled in. OID parameters (DBeaver binds them with
-- setLong) are written as casts: 'public'::regnamespace::oid for the
-- schema public, 'public.orders'::regclass::oid for a relation.
-- Line breaks inside a query are those of the Java string literals.

-- name: dbeaver-set-application-name-main
-- source: PostgreDataSource.java (Pandinosaurus@046ccef1) openConnection -> Connection.setClientInfo("ApplicationName", ...); pgjdbc sends this SET. connect: main context
SET application_name = 'DBeaver 24.3.5 - Main <biqueries_scratch>';

-- name: dbeaver-context-defaults
-- source: PostgreExecutionContext.java (GChuf@39e8fc0b) refreshDefaults(), called from PostgreDataSource.initializeContextState. connect: read current schema and user
SELECT current_schema(),session_user;

-- name: dbeaver-schemas
-- source: PostgreDatabase.java (Pandinosaurus@046ccef1) SchemaCache.prepareLookupStatement, no schema filter (refreshDefaults pre-caches all schemas). connect / navigator: list schemas of the database
SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=n.oid AND d.objsubid=0 AND d.classoid='pg_namespace'::regclass
 ORDER BY nspname;

-- name: dbeaver-show-search-path
-- source: PostgreExecutionContext.java (GChuf@39e8fc0b) refreshDefaults(). connect: read search_path
SHOW search_path;

-- name: dbeaver-set-application-name-metadata
-- source: PostgreDataSource.java (Pandinosaurus@046ccef1) openConnection for the metadata context (a second connection); pgjdbc sends this SET. connect: metadata context
SET application_name = 'DBeaver 24.3.5 - Metadata <biqueries_scratch>';

-- name: dbeaver-context-defaults-metadata
-- source: PostgreExecutionContext.java (GChuf@39e8fc0b) refreshDefaults() on the metadata context (schemas are cached by now). connect: read current schema and user
SELECT current_schema(),session_user;

-- name: dbeaver-show-search-path-metadata
-- source: PostgreExecutionContext.java (GChuf@39e8fc0b) refreshDefaults() on the metadata context. connect: read search_path
SHOW search_path;

-- name: dbeaver-database-info
-- source: PostgreDatabase.java (Pandinosaurus@046ccef1) readDatabaseInfo(), param datname. connect: read the connected database's pg_database row
SELECT db.oid,db.* FROM pg_catalog.pg_database db WHERE datname='biqueries_scratch';

-- name: dbeaver-setting-standard-conforming-strings
-- source: PostgreDataSource.java (Pandinosaurus@046ccef1) initializeRemoteInstance -> SettingCache.prepareLookupStatement, param 'standard_conforming_strings'. connect: preload a server setting
select * from pg_catalog.pg_settings where name='standard_conforming_strings';

-- name: dbeaver-jdbc-dialect-metadata
-- source: dbeaver/dbeaver plugins/org.jkiss.dbeaver.model JDBCSQLDialect.initDriverSettings/loadDriverKeywords (stored 2017 copy; PostgreDialect.initDriverSettings of GChuf@39e8fc0b still calls super) and JDBCDataSource.readDatabaseServerVersion. connect: DatabaseMetaData calls; of these only getSQLKeywords() makes pgjdbc send SQL (a query on pg_catalog.pg_get_keywords())
-- jdbc: getDatabaseProductName(), getDatabaseProductVersion(), getDatabaseMajorVersion(), getDatabaseMinorVersion()
-- jdbc: getIdentifierQuoteString(), getSQLStateType(), supportsCorrelatedSubqueries(), supportsMixedCaseIdentifiers(), supportsMixedCaseQuotedIdentifiers()
-- jdbc: storesUpperCaseIdentifiers(), storesLowerCaseIdentifiers(), storesUpperCaseQuotedIdentifiers(), storesLowerCaseQuotedIdentifiers()
-- jdbc: getSearchStringEscape(), getCatalogSeparator(), supportsCatalogsInDataManipulation() and the other supportsCatalogsIn*/supportsSchemasIn*()
-- jdbc: getExtraNameCharacters(), isCatalogAtStart(), getSQLKeywords(), getNumericFunctions(), getStringFunctions(), getSystemFunctions(), getTimeDateFunctions()

-- name: dbeaver-version
-- source: PostgreDataSource.java (Pandinosaurus@046ccef1) initialize(). connect: read server version string
SELECT version();

-- name: dbeaver-check-pg-enum
-- source: PostgreDataSource.java initialize() -> PostgreUtils.isMetaObjectExists(session, "pg_enum", "*") -> getQueryForSystemColumnChecking (server >= 12). connect: probe catalog table
SELECT * FROM pg_catalog.pg_enum WHERE 1<>1 LIMIT 1;

-- name: dbeaver-check-pg-collation
-- source: PostgreDataSource.java initialize() -> PostgreUtils.isMetaObjectExists(session, "pg_collation", "*") (server >= 9.1). connect: probe catalog table
SELECT * FROM pg_catalog.pg_collation WHERE 1<>1 LIMIT 1;

-- name: dbeaver-check-pg-class-reltype
-- source: PostgreDataSource.java initialize() -> PostgreUtils.isMetaObjectExists(session, "pg_class", "reltype"). connect: probe catalog column
SELECT reltype FROM pg_catalog.pg_class WHERE 1<>1 LIMIT 1;

-- name: dbeaver-data-types
-- source: PostgreDatabase.java (Pandinosaurus@046ccef1) cacheDataTypes() with PostgreDataTypeCache.getBaseTypeNameClause; server >= 10 so typcategory is assumed, "read all data types" off. connect: cache data types
SELECT t.oid,t.*,c.relkind,format_type(nullif(t.typbasetype, 0), t.typtypmod) as base_type_name, d.description
FROM pg_catalog.pg_type t
LEFT OUTER JOIN pg_catalog.pg_type et ON et.oid=t.typelem 
LEFT OUTER JOIN pg_catalog.pg_class c ON c.oid=t.typrelid
LEFT OUTER JOIN pg_catalog.pg_description d ON t.oid=d.objoid
WHERE t.typname IS NOT NULL
AND (c.relkind IS NULL OR c.relkind = 'c') AND (et.typcategory IS NULL OR et.typcategory <> 'C');

-- name: dbeaver-enum-values
-- source: PostgreDatabase.java (Pandinosaurus@046ccef1) EnumValueCache.prepareObjectsStatement (pg_enum exists). connect: cache enum labels
SELECT * FROM pg_catalog.pg_enum;

-- name: dbeaver-tables-of-schema
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) TableCache.prepareLookupStatement, server >= 10, param relnamespace = oid of public. navigator: expand public -> Tables (the same cache feeds Views, Materialized Views, Sequences, Foreign Tables)
SELECT c.oid,c.*,d.description,pg_catalog.pg_get_expr(c.relpartbound, c.oid) as partition_expr,  pg_catalog.pg_get_partkeydef(c.oid) as partition_key 
FROM pg_catalog.pg_class c
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_class'::regclass
WHERE c.relnamespace='public'::regnamespace::oid AND c.relkind not in ('i','I','c');

-- name: dbeaver-table-statistics
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) collectObjectStatistics, param relnamespace = oid of public. navigator: table sizes, only when the navigator shows object statistics
select c.oid,pg_catalog.pg_total_relation_size(c.oid) as total_rel_size,pg_catalog.pg_relation_size(c.oid) as rel_size
FROM pg_class c
WHERE c.relnamespace='public'::regnamespace::oid;

-- name: dbeaver-columns-of-orders
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) TableCache.prepareChildrenStatement(forTable=orders), sequences supported. navigator: expand orders -> Columns
SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,dsc.description,dep.objid
FROM pg_catalog.pg_attribute a
INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)
LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)
LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
LEFT OUTER JOIN pg_depend dep on dep.refobjid = a.attrelid AND dep.deptype = 'i' and dep.refobjsubid = a.attnum and dep.classid = dep.refclassid
WHERE NOT a.attisdropped AND c.relkind not in ('i','I','c') AND c.oid='public.orders'::regclass::oid
ORDER BY a.attnum;

-- name: dbeaver-constraints-of-orders
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) ConstraintCache.prepareObjectsStatement(forParent=orders); PostgreServerPostgreSQL.supportsPGConstraintExpressionColumn() is true for >= 8.0. navigator: expand orders -> Constraints / Foreign Keys
SELECT c.oid,c.*,t.relname as tabrelname,rt.relnamespace as refnamespace,d.description, case when c.contype='c' then "substring"(pg_get_constraintdef(c.oid), 7) else null end consrc_copy
FROM pg_catalog.pg_constraint c
INNER JOIN pg_catalog.pg_class t ON t.oid=c.conrelid
LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid=c.confrelid
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_constraint'::regclass
WHERE c.conrelid='public.orders'::regclass::oid
ORDER BY c.oid;

-- name: dbeaver-columns-of-customers
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) TableCache.prepareChildrenStatement(forTable=customers); ConstraintCache.fetchObjectRow reads the referenced table's attributes to resolve orders_customer_id_fkey. navigator: foreign key target columns
SELECT c.relname,a.*,pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) as def_value,dsc.description,dep.objid
FROM pg_catalog.pg_attribute a
INNER JOIN pg_catalog.pg_class c ON (a.attrelid=c.oid)
LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid=ad.adrelid AND a.attnum = ad.adnum)
LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)
LEFT OUTER JOIN pg_depend dep on dep.refobjid = a.attrelid AND dep.deptype = 'i' and dep.refobjsubid = a.attnum and dep.classid = dep.refclassid
WHERE NOT a.attisdropped AND c.relkind not in ('i','I','c') AND c.oid='public.customers'::regclass::oid
ORDER BY a.attnum;

-- name: dbeaver-indexes-of-orders
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) IndexCache.prepareObjectsStatement(forTable=orders), expression indexes (>= 7.4) and relation size supported. navigator: expand orders -> Indexes
SELECT i.*,i.indkey as keys,c.relname,c.relnamespace,c.relam,c.reltablespace,tc.relname as tabrelname,dsc.description,pg_catalog.pg_get_expr(i.indpred, i.indrelid) as pred_expr,pg_catalog.pg_get_expr(i.indexprs, i.indrelid, true) as expr,pg_catalog.pg_relation_size(i.indexrelid) as index_rel_size,pg_catalog.pg_stat_get_numscans(i.indexrelid) as index_num_scans
FROM pg_catalog.pg_index i
INNER JOIN pg_catalog.pg_class c ON c.oid=i.indexrelid
INNER JOIN pg_catalog.pg_class tc ON tc.oid=i.indrelid
LEFT OUTER JOIN pg_catalog.pg_description dsc ON i.indexrelid=dsc.objoid
WHERE  i.indrelid='public.orders'::regclass::oid ORDER BY tabrelname, c.relname;

-- name: dbeaver-access-methods
-- source: PostgreDatabase.java (Pandinosaurus@046ccef1) AccessMethodCache.prepareObjectsStatement; PostgreIndex resolves its access method (relam) when the index is shown. navigator: index access method
SELECT am.oid,am.* FROM pg_catalog.pg_am am 
ORDER BY am.oid;

-- name: dbeaver-view-definition
-- source: PostgreViewBase.getObjectDefinitionText (dbeaver/dbeaver, stored 2017 copy; unchanged text), param = oid of public.order_totals. navigator: open view order_totals (Views are listed by dbeaver-tables-of-schema)
SELECT pg_get_viewdef('public.order_totals'::regclass::oid, true);

-- name: dbeaver-sequence-info
-- source: PostgreSequence.java (GChuf@39e8fc0b) loadAdditionalInfo, server >= 10, params schema and sequence name. navigator: select sequence invoice_number_seq (Sequences are listed by dbeaver-tables-of-schema)
SELECT * from pg_catalog.pg_sequences WHERE schemaname='public' AND sequencename='invoice_number_seq';

-- name: dbeaver-functions-of-schema
-- source: PostgreSchema.java (HuaweiCloudDeveloper@143b94c8) ProceduresCache.prepareLookupStatement, oid column "oid", table pg_proc, server >= 8.4, param pronamespace = oid of public. navigator: expand public -> Functions
SELECT p.oid as poid,p.*,pg_catalog.pg_get_expr(p.proargdefaults, 0) as arg_defaults,d.description
FROM pg_catalog.pg_proc p
LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=p.oid and d.classoid='pg_proc'::regclass  AND d.objsubid = 0
WHERE p.pronamespace='public'::regnamespace::oid
ORDER BY p.proname;
