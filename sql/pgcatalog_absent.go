package sql

// Catalogs of features stela does not have: row-level security policies,
// triggers, rules, extended statistics, publications, partitioning. They
// are served empty, which is the truth (no such object exists), so that
// psql's \d, which reads them, works. stela has no role membership
// either (pg_auth_members). Their columns are PostgreSQL 15's.

func init() {
	addVtable("pg_policy", 3256, 'r', `oid oid, polname name, polrelid oid, polcmd "char", polpermissive boolean,
		polroles oid[], polqual pg_node_tree, polwithcheck pg_node_tree`, emptyRows)
	addVtable("pg_trigger", 2620, 'r', `oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid,
		tgtype smallint, tgenabled "char", tgisinternal boolean, tgconstrrelid oid, tgconstrindid oid,
		tgconstraint oid, tgdeferrable boolean, tginitdeferred boolean, tgnargs smallint,
		tgattr int2vector, tgargs bytea, tgqual pg_node_tree, tgoldtable name, tgnewtable name`, emptyRows)
	addVtable("pg_rewrite", 2618, 'r', `oid oid, rulename name, ev_class oid, ev_type "char", ev_enabled "char",
		is_instead boolean, ev_qual pg_node_tree, ev_action pg_node_tree`, emptyRows)
	addVtable("pg_statistic_ext", 3381, 'r', `oid oid, stxrelid oid, stxname name, stxnamespace oid,
		stxowner oid, stxstattarget integer, stxkeys int2vector, stxkind "char"[], stxexprs pg_node_tree`, emptyRows)
	addVtable("pg_publication", 6104, 'r', `oid oid, pubname name, pubowner oid, puballtables boolean,
		pubinsert boolean, pubupdate boolean, pubdelete boolean, pubtruncate boolean, pubviaroot boolean`, emptyRows)
	addVtable("pg_publication_rel", 6106, 'r', `oid oid, prpubid oid, prrelid oid, prqual pg_node_tree, prattrs int2vector`, emptyRows)
	addVtable("pg_publication_namespace", 6237, 'r', `oid oid, pnpubid oid, pnnspid oid`, emptyRows)
	addVtable("pg_auth_members", 1261, 'r', `roleid oid, member oid, grantor oid, admin_option boolean`, emptyRows)
	addVtable("pg_partitioned_table", 3350, 'r', `partrelid oid, partstrat "char", partnatts smallint,
		partdefid oid, partattrs int2vector, partclass oidvector, partcollation oidvector,
		partexprs pg_node_tree`, emptyRows)
}
