package sql

import (
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// Catalogs of features stela does not have: row-level security policies,
// triggers, rules, extended statistics, publications, partitioning,
// event triggers, subscriptions, foreign data (wrappers, servers, user
// mappings, foreign tables), default privileges (there is no ALTER
// DEFAULT PRIVILEGES), text search (no tsvector, no configurations,
// dictionaries, parsers or templates) and encoding conversions (stela
// converts between UTF8 and the single-byte encodings by tables built
// in, sql/pgenc, not by conversion objects of the catalog). They are served empty, which is the truth (no such object
// exists), so that psql's \d, \ddp, \dy, \dRs, \des, \dew, \deu, \dF, \dc
// and \dX, which read them, work. Their columns are PostgreSQL 15's, but for the
// pg_lsn columns of pg_subscription, which are text (stela has no pg_lsn
// type; columns_expected_diff.txt).

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
	addVtable("pg_partitioned_table", 3350, 'r', `partrelid oid, partstrat "char", partnatts smallint,
		partdefid oid, partattrs int2vector, partclass oidvector, partcollation oidvector,
		partexprs pg_node_tree`, emptyRows)
	addVtable("pg_event_trigger", 3466, 'r', `oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid,
		evtenabled "char", evttags text[]`, emptyRows)
	addVtable("pg_subscription", 6100, 'r', `oid oid, subdbid oid, subskiplsn text, subname name, subowner oid,
		subenabled boolean, subbinary boolean, substream boolean, subtwophasestate "char", subdisableonerr boolean,
		subconninfo text, subslotname name, subsynccommit text, subpublications text[]`, emptyRows)
	addVtable("pg_default_acl", 826, 'r', `oid oid, defaclrole oid, defaclnamespace oid, defaclobjtype "char",
		defaclacl aclitem[]`, emptyRows)
	addVtable("pg_foreign_data_wrapper", 2328, 'r', `oid oid, fdwname name, fdwowner oid, fdwhandler oid,
		fdwvalidator oid, fdwacl aclitem[], fdwoptions text[]`, emptyRows)
	addVtable("pg_foreign_server", 1417, 'r', `oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text,
		srvversion text, srvacl aclitem[], srvoptions text[]`, emptyRows)
	addVtable("pg_foreign_table", 3118, 'r', `ftrelid oid, ftserver oid, ftoptions text[]`, emptyRows)
	addVtable("pg_user_mapping", 1418, 'r', `oid oid, umuser oid, umserver oid, umoptions text[]`, emptyRows)
	addVtable("pg_user_mappings", 12327, 'v', `umid oid, srvid oid, srvname name, umuser oid, usename name,
		umoptions text[]`, emptyRows)
	addVtable("pg_conversion", 2607, 'r', `oid oid, conname name, connamespace oid, conowner oid,
		conforencoding integer, contoencoding integer, conproc regproc, condefault boolean`, emptyRows)
	addVtable("pg_ts_config", 3602, 'r', `oid oid, cfgname name, cfgnamespace oid, cfgowner oid, cfgparser oid`, emptyRows)
	addVtable("pg_ts_config_map", 3603, 'r', `mapcfg oid, maptokentype integer, mapseqno integer, mapdict oid`, emptyRows)
	addVtable("pg_ts_dict", 3600, 'r', `oid oid, dictname name, dictnamespace oid, dictowner oid,
		dicttemplate oid, dictinitoption text`, emptyRows)
	addVtable("pg_ts_parser", 3601, 'r', `oid oid, prsname name, prsnamespace oid, prsstart regproc,
		prstoken regproc, prsend regproc, prsheadline regproc, prslextype regproc`, emptyRows)
	addVtable("pg_ts_template", 3764, 'r', `oid oid, tmplname name, tmplnamespace oid, tmplinit regproc,
		tmpllexize regproc`, emptyRows)

	// The visibility functions of these catalogs' objects: as no object
	// exists, no OID names one, and PostgreSQL gives NULL for such an
	// OID.
	noObject := func(*expr.Context, []types.Datum) (types.Datum, error) { return nil, nil }
	for _, name := range []string{"pg_statistics_obj_is_visible", "pg_conversion_is_visible",
		"pg_ts_config_is_visible", "pg_ts_dict_is_visible", "pg_ts_parser_is_visible", "pg_ts_template_is_visible"} {
		expr.AddFunc(name, []*types.T{types.OidType}, types.Bool, true, noObject)
	}
}
