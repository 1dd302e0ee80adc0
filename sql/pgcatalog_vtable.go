package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// pg_catalog's relations are virtual: a name in FROM that resolves to one
// plans a virtualNode, whose rows are computed when it opens from the
// catalog as the statement's transaction sees it (or as of the tx of an
// AS OF clause on the reference, so time travel works on the catalog
// too). Filters, joins and ordering on top are planned as for any other
// FROM item. Each family of relations lives in its own pgcatalog_*.go
// file and registers itself in init.
//
// As in PostgreSQL, pg_catalog is searched before the search path for an
// unqualified name, so pg_class is pg_catalog.pg_class even if public has
// a table of that name, unless search_path lists pg_catalog explicitly
// after that schema (catalogShadowed).

// vtable is a virtual relation of pg_catalog.
type vtable struct {
	name string
	// schema is the relation's schema when not pg_catalog
	// (information_schema's relations, infoschema.go).
	schema string
	// oid is the relation's pg_class OID: PostgreSQL's own for catalog
	// tables, and for its views the value PostgreSQL 15 gave them.
	oid uint32
	// kind is relkind: 'r' for catalog tables, 'v' for system views.
	kind byte
	cols []vcol
	// rows computes the relation's rows.
	rows func(c *vctx) ([][]types.Datum, error)
}

// vcol is a column of a virtual relation.
type vcol struct {
	name string
	typ  *types.T
}

// vtables are the served relations, by name.
var vtables = map[string]*vtable{}

// addVtable registers a relation. cols is "name type, name type, ...",
// with the types as PostgreSQL's \d prints them.
func addVtable(name string, oid uint32, kind byte, cols string, rows func(c *vctx) ([][]types.Datum, error)) {
	vt := &vtable{name: name, oid: oid, kind: kind, rows: rows}
	for _, c := range strings.Split(cols, ",") {
		c = strings.TrimSpace(c)
		n, t, _ := strings.Cut(c, " ")
		vt.cols = append(vt.cols, vcol{name: n, typ: vtype(t)})
	}
	vtables[name] = vt
}

// vtype returns a catalog column's type from its \d spelling.
func vtype(name string) *types.T {
	switch name {
	case `"char"`:
		return types.Char
	case `"char"[]`:
		a, _ := types.ArrayOf(types.Char)
		return a
	}
	elem := strings.TrimSuffix(name, "[]")
	t, err := types.ByName(elem, nil)
	if err != nil {
		panic("pg_catalog: unknown column type " + name)
	}
	if elem != name {
		a, ok := types.ArrayOf(t)
		if !ok {
			panic("pg_catalog: no array type for " + name)
		}
		return a
	}
	return t
}

// unservedCatalogs are PostgreSQL 15's pg_catalog relations that stela
// does not serve: a query naming one gets 0A000 naming it, rather than
// "does not exist" (which would claim PostgreSQL has no such relation).
var unservedCatalogs = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`pg_authid
		pg_init_privs pg_largeobject pg_largeobject_metadata pg_parameter_acl
		pg_replication_origin pg_seclabel pg_shdepend pg_shseclabel pg_statistic
		pg_statistic_ext_data pg_subscription_rel pg_transform
		pg_config pg_file_settings
		pg_group pg_hba_file_rules pg_ident_file_mappings pg_policies
		pg_prepared_xacts pg_publication_tables pg_replication_slots
		pg_rules pg_seclabels pg_shadow pg_shmem_allocations pg_stats_ext
		pg_timezone_abbrevs pg_timezone_names
		pg_stat_all_indexes pg_stat_user_indexes
		pg_stat_database pg_stat_replication pg_stat_ssl pg_stat_gssapi pg_stat_wal_receiver
		pg_stat_subscription pg_stat_progress_vacuum pg_stat_bgwriter pg_stat_wal
		pg_backend_memory_contexts`) {
		unservedCatalogs[n] = true
	}
}

// errUnservedCatalog is the error for a catalog relation stela lacks.
func errUnservedCatalog(name string, loc int32) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "relation \"pg_catalog.%s\" is not provided by stela", name).
		WithPosition(int(loc) + 1)
}

// lookupVtable returns the virtual relation a FROM name denotes, or nil;
// an error for a pg_catalog name stela does not serve.
func lookupVtable(rv *pg_query.RangeVar, txn *engine.Txn, path catalog.SearchPath) (*vtable, error) {
	switch rv.Schemaname {
	case "pg_catalog":
		if vt := vtables[rv.Relname]; vt != nil {
			return vt, nil
		}
		if unservedCatalogs[rv.Relname] {
			return nil, errUnservedCatalog(rv.Relname, rv.Location)
		}
		return nil, pgerror.Newf(pgcode.UndefinedTable, "relation \"pg_catalog.%s\" does not exist", rv.Relname).
			WithPosition(int(rv.Location) + 1)
	case "information_schema":
		return lookupInfoSchema(rv)
	case "":
		if vt := vtables[rv.Relname]; vt != nil && !catalogShadowed(txn, path, rv.Relname) {
			return vt, nil
		}
	}
	return nil, nil
}

// refuseSystemCatalog is the answer to a statement that would change or
// drop a pg_catalog relation (schema.name as written, schema possibly
// empty), found as a query would find it (pg_catalog first unless
// search_path names it later): stela computes them from its catalog, and
// PostgreSQL refuses such statements with this error too. nil when the
// name means something else.
func refuseSystemCatalog(txn *engine.Txn, path catalog.SearchPath, schema, name string) error {
	if schema != "" && schema != "pg_catalog" {
		return nil
	}
	vt := vtables[name]
	if (vt == nil || vt.schema != "") && !unservedCatalogs[name] {
		return nil
	}
	if schema == "" && catalogShadowed(txn, path, name) {
		return nil
	}
	return pgerror.Newf(pgcode.InsufficientPrivilege, "permission denied: \"%s\" is a system catalog", name)
}

// catalogShadowed reports whether an unqualified name finds a relation
// of a schema that search_path lists before an explicit pg_catalog
// (search_path = public, pg_catalog): pg_catalog is searched first only
// when the path does not name it.
func catalogShadowed(txn *engine.Txn, path catalog.SearchPath, name string) bool {
	for i, s := range path {
		if s == "pg_catalog" {
			d, err := catalog.Relation(txn, "", name, path[:i])
			return err == nil && d != nil
		}
	}
	return false
}

// planVirtual plans a reference to a virtual relation.
func (pl *planner) planVirtual(vt *vtable, rv *pg_query.RangeVar, alias string) (*fromItem, error) {
	n := &virtualNode{vt: vt}
	if tt := pl.asOfFor(rv); tt != nil {
		if tt.History != nil {
			schema := vt.schema
			if schema == "" {
				schema = "pg_catalog"
			}
			return nil, pgerror.Newf(pgcode.FeatureNotSupported, "FOR SYSTEM_TIME history of %s.%s is not supported", schema, vt.name).
				WithPosition(tt.Pos + 1)
		}
		var err error
		if _, n.asOf, err = pl.planAsOf(tt); err != nil {
			return nil, err
		}
	} else if pl.viewPoint != nil {
		n.asOf = pl.viewPoint.scanAsOf() // read by a view read AS OF (view_asof.go)
	}
	for i, c := range vt.cols {
		n.columns = append(n.columns, column{name: c.name, table: alias, typ: c.typ, tableOID: vt.oid, attNum: int16(i + 1)})
	}
	if pl.sysCols && vt.kind == 'r' && vt.schema == "" {
		// pg_catalog's tables have tableoid (syscols.go); its views, as
		// views, do not.
		n.tableOID = true
		n.columns = append(n.columns, tableOIDCol(alias))
	}
	cols, err := aliasColumns(n.columns, alias, rv.Alias)
	if err != nil {
		return nil, err
	}
	n.columns = cols
	return &fromItem{node: n, cols: cols, est: 100}, nil
}

// virtualNode produces a virtual relation's rows.
type virtualNode struct {
	vt      *vtable
	columns []column
	asOf    *scanAsOf
	// tableOID appends the system column tableoid to each row.
	tableOID bool
}

func (n *virtualNode) cols() []column { return n.columns }

func (n *virtualNode) open(x *execCtx) (rowIter, error) {
	txn := x.txn
	if n.asOf != nil {
		var err error
		if txn, _, err = n.asOf.txn(x, nil); err != nil {
			return nil, err
		}
	}
	rows, err := n.vt.rows(&vctx{x: x, txn: txn})
	if err != nil {
		return nil, err
	}
	if n.tableOID {
		// Copies: the computed rows may be shared.
		rel := dOid(n.vt.oid)
		with := make([][]types.Datum, len(rows))
		for i, r := range rows {
			with[i] = append(r[:len(r):len(r)], rel)
		}
		rows = with
	}
	return &sliceIter{rows: rows}, nil
}

// vctx is what computing a virtual relation's rows needs: the statement,
// and the transaction whose catalog is read.
type vctx struct {
	x   *execCtx
	txn *engine.Txn
	// descs caches the catalog's descriptors for this computation, but
	// the user types and functions, which userTypes and functions have:
	// they are not relations.
	descs     []*catalog.Descriptor
	userTypes []*catalog.Descriptor
	functions []*catalog.Descriptor
	// xAt is at's copy of x, made once per computation.
	xAt *execCtx
}

// at is the statement's execCtx reading c's transaction: the statement's
// own, or, for a catalog read AS OF a past transaction, a copy reading
// that one, so that what prints stored text (shown_names.go, indexDefOf)
// finds the names of the catalog as it was then.
func (c *vctx) at() *execCtx {
	if c.txn == c.x.txn {
		return c.x
	}
	if c.xAt == nil {
		x := *c.x
		x.txn = c.txn
		c.xAt = &x
	}
	return c.xAt
}

// ofKind returns the descriptors of one kind (tables, sequences...).
func (c *vctx) ofKind(kind string) ([]*catalog.Descriptor, error) {
	all, err := c.all()
	if err != nil {
		return nil, err
	}
	var out []*catalog.Descriptor
	for _, d := range all {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out, nil
}

// all returns every descriptor of the database, schemas first (in id
// order), built-in schemas included.
//
// A user sees the database's schemas, and the relations they hold a
// privilege on: pg_catalog and information_schema show a user only what
// they may see. A privilege on every relation (GRANT ... ON ALL TABLES)
// shows them all.
func (c *vctx) all() ([]*catalog.Descriptor, error) {
	if c.descs != nil {
		return c.descs, nil
	}
	stored, err := catalog.All(c.txn)
	if err != nil {
		return nil, err
	}
	r, err := c.x.sess.rights()
	if err != nil {
		return nil, err
	}
	visible := stored[:0:0]
	c.userTypes = []*catalog.Descriptor{}
	for _, d := range stored {
		if d.Kind == catalog.KindType {
			// Every user sees the types, as PostgreSQL's pg_type.
			c.userTypes = append(c.userTypes, d)
			continue
		}
		if d.Kind == catalog.KindFunction {
			// Not a relation: pg_proc lists them (pgcatalog_userproc.go).
			c.functions = append(c.functions, d)
			continue
		}
		if d.Kind == catalog.KindSchema || r.seesRelation(d) {
			visible = append(visible, d)
		}
	}
	c.descs = append(catalog.BuiltinSchemas(), visible...)
	return c.descs, nil
}
