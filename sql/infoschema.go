package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// information_schema, the SQL standard's catalog views, which Grafana's
// query builder, DBeaver, Metabase and many ORMs read.
//
// PostgreSQL defines them as SQL views over pg_catalog (its
// information_schema.sql). stela computes them directly from the
// catalog's descriptors instead, as it does pg_catalog's relations
// (pgcatalog_vtable.go): the views lean on functions stela lacks or
// serves only in part (pg_has_role, aclexplode, acldefault,
// pg_relation_is_updatable, pg_column_is_updatable, _pg_expandarray,
// pg_depend, pg_trigger), on row-typed function arguments
// (_pg_truetypid(a.*, t.*)) and on pg_attribute/pg_class rows for every
// relation of the database, which stela would build and join for each
// query; in Go each relation is one pass over the descriptors the
// transaction already has, and PostgreSQL's answers (its column types,
// its YES/NO spellings, its casts in defaults) are written down where
// they are computed. Rows are computed when the query opens the relation,
// from the catalog as the statement's transaction sees it (or as of the
// tx of an AS OF clause on the reference).
//
// Column types: PostgreSQL types the columns with the domains
// sql_identifier (over name), cardinal_number (integer), character_data
// (character varying), yes_or_no (character varying(3)) and time_stamp
// (timestamp(2) with time zone). Clients see the base type on the wire
// (RowDescription carries a domain's base type), so stela types the
// columns with the base types, and information_schema.columns reports
// the domains for these relations' own columns as PostgreSQL does.
//
// Privileges: stela has no GRANT yet, and any user may read and write
// every relation of a database it may connect to. The relations say so:
// an object's owner holds PostgreSQL's default owner privileges, and
// PUBLIC holds the privileges stela lets every user exercise
// (infoschema_privileges.go). Views PostgreSQL restricts to objects the
// user owns (check_constraints, constraint_column_usage, the view text in
// views) show every object to a superuser and a user's own objects to
// others, as PostgreSQL does.
//
// information_schema is not on the search path: its relations are found
// only by a qualified name, as in PostgreSQL.

// infoRel is a relation of information_schema.
type infoRel struct {
	vt *vtable
	// domains are the information_schema domains of the columns.
	domains []string
}

// infoRels are the served relations, by name.
var infoRels = map[string]*infoRel{}

// infoDomains maps information_schema's domains to their base types, which
// clients see, and the domains' modifiers (yes_or_no is varchar(3)),
// which information_schema.columns reports for these relations' columns.
var infoDomains = map[string]struct {
	typ    *types.T
	typmod int32
}{
	"sql_identifier":  {types.Name, -1},
	"cardinal_number": {types.Int4, -1},
	"character_data":  {types.Varchar, -1},
	"yes_or_no":       {types.Varchar, 3 + 4},
	"time_stamp":      {types.TimestampTZType, 2},
}

// addInfoRel registers a relation. oid is the view's pg_class OID in
// PostgreSQL 15. cols is "name domain, ...".
func addInfoRel(name string, oid uint32, cols string, rows func(c *vctx) ([][]types.Datum, error)) {
	r := &infoRel{vt: &vtable{name: name, schema: "information_schema", oid: oid, kind: 'v', rows: rows}}
	for _, c := range strings.Split(cols, ",") {
		n, dom, _ := strings.Cut(strings.TrimSpace(c), " ")
		d, ok := infoDomains[dom]
		if !ok {
			panic("information_schema: unknown domain " + dom)
		}
		r.vt.cols = append(r.vt.cols, vcol{name: n, typ: d.typ})
		r.domains = append(r.domains, dom)
	}
	infoRels[name] = r
}

// unservedInfoSchema are PostgreSQL 15's information_schema relations
// that stela does not serve: naming one is 0A000, not "does not exist".
var unservedInfoSchema = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`applicable_roles administrable_role_authorizations attributes
		check_constraint_routine_usage collations collation_character_set_applicability
		column_column_usage column_domain_usage column_udt_usage constraint_table_usage
		domain_udt_usage enabled_roles role_column_grants routine_column_usage
		routine_privileges role_routine_grants routine_routine_usage routine_sequence_usage
		routine_table_usage sql_features sql_implementation_info sql_parts sql_sizing transforms
		triggered_update_columns udt_privileges role_udt_grants usage_privileges role_usage_grants
		user_defined_types view_column_usage view_routine_usage view_table_usage
		data_type_privileges column_options foreign_data_wrapper_options foreign_data_wrappers
		foreign_server_options foreign_servers foreign_table_options foreign_tables
		user_mapping_options user_mappings`) {
		unservedInfoSchema[n] = true
	}
}

// lookupInfoSchema resolves information_schema.name.
func lookupInfoSchema(rv *pg_query.RangeVar) (*vtable, error) {
	if r := infoRels[rv.Relname]; r != nil {
		return r.vt, nil
	}
	if unservedInfoSchema[rv.Relname] {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "relation \"information_schema.%s\" is not provided by stela", rv.Relname).
			WithPosition(int(rv.Location) + 1)
	}
	return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"information_schema.%s\" does not exist", rv.Relname).
		WithPosition(int(rv.Location) + 1)
}

// infoNames is what the relations of one computation share: the
// database's name, the schemas' names, the descriptors by id, and who
// asks.
type infoNames struct {
	db      string
	schemas map[uint32]string
	byID    map[uint32]*catalog.Descriptor
	user    string
	super   bool
	roles   map[string]bool // the roles user has (privileges.go)
}

func (c *vctx) infoNames() (*infoNames, []*catalog.Descriptor, error) {
	descs, err := c.all()
	if err != nil {
		return nil, nil, err
	}
	n := &infoNames{
		db: c.x.sess.db.Name, schemas: schemaNames(descs), byID: map[uint32]*catalog.Descriptor{},
		user: c.x.sess.currentUser(), super: c.x.sess.currentSuperuser(),
	}
	r, err := c.x.sess.rights()
	if err != nil {
		return nil, nil, err
	}
	n.roles = r.roles
	// The standard's views leave out other sessions' temporary
	// relations, as PostgreSQL's (NOT pg_is_other_temp_schema).
	own := c.x.sess.searchPath().TempSchema()
	kept := descs[:0:0]
	for _, d := range descs {
		if sn := n.schemas[d.Schema]; d.Kind != catalog.KindSchema && catalog.IsTempSchema(sn) && sn != own {
			continue
		}
		n.byID[d.ID] = d
		kept = append(kept, d)
	}
	return n, kept, nil
}

// hasRole is pg_has_role(role, 'USAGE') for the session user: a
// superuser has every role, others their own and those they are members
// of.
func (n *infoNames) hasRole(role string) bool { return n.super || n.roles[role] }

// owns reports whether the session user has the role owning d.
func (n *infoNames) owns(d *catalog.Descriptor) bool { return n.hasRole(ownerName(d)) }

// yesNo is a yes_or_no value.
func yesNo(b bool) types.Datum {
	if b {
		return "YES"
	}
	return "NO"
}

// nullIfEmpty is a text value, NULL when empty.
func nullIfEmpty(s string) types.Datum { return dTextOrNull(s) }
