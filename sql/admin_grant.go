package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// GRANT and REVOKE. stela keeps, per user and database, PostgreSQL's
// database privileges (CONNECT, CREATE, TEMPORARY) and one set of table
// privileges for all the database's relations (catalog/grants.go). So:
//
//	GRANT CONNECT|CREATE|TEMPORARY|ALL ON DATABASE d TO u   as PostgreSQL
//	GRANT SELECT, ... ON ALL TABLES IN SCHEMA s, ... TO u   the current
//	    database's table privileges; the schemas named must be all the
//	    database's schemas, and the privileges hold for its tables, views
//	    and sequences of now and later
//	GRANT USAGE ON SCHEMA s                                 accepted: every
//	    user who may connect uses every schema
//
// Privileges granted to PUBLIC are every role's (catalog.Public).
// Privileges on columns are kept too (admin_grant_columns.go). Grants
// on functions, WITH GRANT OPTION and GRANTED BY are refused with 0A000: stela could
// not keep them as asked. Superusers, a database's owner and its admins
// (CREATE on it) grant on it. As PostgreSQL, a superuser's grant is
// recorded as made by the database's owner.

// privLetters maps privilege names to aclitem letters, per object kind.
var privLetters = map[pg_query.ObjectType]map[string]string{
	pg_query.ObjectType_OBJECT_DATABASE: {"connect": "c", "create": "C", "temporary": "T", "temp": "T"},
	pg_query.ObjectType_OBJECT_TABLE: {"select": "r", "insert": "a", "update": "w", "delete": "d",
		"truncate": "D", "references": "x", "trigger": "t"},
	pg_query.ObjectType_OBJECT_SEQUENCE: {"select": "r", "update": "w", "usage": "U"},
}

// sequencePrivs are the letters of a sequence's privileges (PostgreSQL's
// USAGE, SELECT, UPDATE).
const sequencePrivs = "rwU"

// grantRequest is a parsed GRANT or REVOKE.
type grantRequest struct {
	grant     bool
	database  []string              // ON DATABASE: the databases; else the current one
	tables    bool                  // ON ALL TABLES IN SCHEMA
	relations []*catalog.Descriptor // ON t, ON SEQUENCE s (in the current database)
	letters   string
	// columns are the column privileges: letters by column name, on
	// each of relations (admin_grant_columns.go).
	columns   map[string]string
	grantees  []string // catalog.Public for PUBLIC
	noop      bool     // GRANT USAGE ON SCHEMA
	statement string
	// grantor, when set, is who the grant is recorded as made by, instead
	// of grantorIn's choice: a CREATE SCHEMA element's grant is made as
	// the schema's owner (ddl_schema_elements.go).
	grantor string
}

func planGrant(n *pg_query.GrantStmt) (plan, error) {
	tag := "GRANT"
	if !n.IsGrant {
		tag = "REVOKE"
	}
	return &adminPlan{tag: tag, stmt: tag, fn: func(s *Session, ec *expr.Context) error {
		req, err := s.parseGrant(n)
		if err != nil {
			return err
		}
		return s.applyGrant(ec, req)
	}}, nil
}

// parseGrant checks a GRANT or REVOKE's shape and names.
func (s *Session) parseGrant(n *pg_query.GrantStmt) (*grantRequest, error) {
	req := &grantRequest{grant: n.IsGrant, statement: "GRANT"}
	if !n.IsGrant {
		req.statement = "REVOKE"
	}
	if n.GrantOption {
		if n.IsGrant {
			return nil, pgerror.New(pgcode.FeatureNotSupported, "WITH GRANT OPTION is not supported").
				WithHint("A database's admins (CREATE on the database) grant privileges on it.")
		}
		return nil, pgerror.New(pgcode.FeatureNotSupported, "REVOKE GRANT OPTION FOR is not supported")
	}
	if n.Grantor != nil {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "GRANTED BY is not supported")
	}
	kind := n.Objtype
	switch {
	case kind == pg_query.ObjectType_OBJECT_DATABASE:
		for _, o := range n.Objects {
			name := o.GetString_().GetSval()
			if _, err := s.engine.sys.Database(name); err != nil {
				return nil, err
			}
			req.database = append(req.database, name)
		}
	case kind == pg_query.ObjectType_OBJECT_TABLE && n.Targtype == pg_query.GrantTargetType_ACL_TARGET_ALL_IN_SCHEMA:
		if err := s.coversEverySchema(n.Objects); err != nil {
			return nil, err
		}
		req.tables, req.database = true, []string{s.db.Name}
	case (kind == pg_query.ObjectType_OBJECT_TABLE || kind == pg_query.ObjectType_OBJECT_SEQUENCE) &&
		n.Targtype == pg_query.GrantTargetType_ACL_TARGET_OBJECT:
		rels, err := s.grantRelations(n.Objects, kind)
		if err != nil {
			return nil, err
		}
		req.relations, req.database = rels, []string{s.db.Name}
	case kind == pg_query.ObjectType_OBJECT_SCHEMA && n.IsGrant && onlyUsage(n.Privileges):
		if err := s.schemasExist(n.Objects); err != nil {
			return nil, err
		}
		req.noop = true
	case kind == pg_query.ObjectType_OBJECT_SEQUENCE:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "privileges on all sequences of a schema are not supported").
			WithDetail("Sequences take the table privileges of their database: UPDATE for nextval and setval, SELECT for currval.").
			WithHint("Use GRANT ... ON ALL TABLES IN SCHEMA public, or name each sequence.")
	default:
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "%s on %s is not supported", req.statement, strings.ToLower(strings.TrimPrefix(kind.String(), "OBJECT_"))+"s")
	}
	if !req.noop {
		letters, cols, err := privilegeLetters(kind, n.Privileges)
		if err != nil {
			return nil, err
		}
		if len(cols) > 0 && req.relations == nil {
			if req.tables {
				return nil, pgerror.New(pgcode.FeatureNotSupported, "column privileges on all tables of a schema are not supported")
			}
			return nil, errColumnPrivsNotRelation()
		}
		if err := checkGrantColumns(req.relations, cols); err != nil {
			return nil, err
		}
		req.letters, req.columns = letters, cols
	}
	for _, g := range n.Grantees {
		r := g.GetRoleSpec()
		if r == nil {
			continue
		}
		if r.Roletype == pg_query.RoleSpecType_ROLESPEC_PUBLIC {
			req.grantees = append(req.grantees, catalog.Public)
			continue
		}
		name, err := s.existingRole(r)
		if err != nil {
			return nil, err
		}
		req.grantees = append(req.grantees, name)
	}
	return req, nil
}

// privilegeLetters turns a privilege list into aclitem letters (an empty
// list is ALL), and the letters of the column privileges it lists, by
// column name.
func privilegeLetters(kind pg_query.ObjectType, privs []*pg_query.Node) (string, map[string]string, error) {
	names := privLetters[kind]
	if len(privs) == 0 {
		switch kind {
		case pg_query.ObjectType_OBJECT_DATABASE:
			return catalog.DatabasePrivs, nil, nil
		case pg_query.ObjectType_OBJECT_SEQUENCE:
			return sequencePrivs, nil, nil
		}
		return catalog.TablePrivs, nil, nil
	}
	var out string
	var cols map[string]string
	for _, p := range privs {
		ap := p.GetAccessPriv()
		if ap == nil {
			continue
		}
		if len(ap.Cols) > 0 {
			if kind != pg_query.ObjectType_OBJECT_TABLE {
				return "", nil, errColumnPrivsNotRelation()
			}
			if cols == nil {
				cols = map[string]string{}
			}
			if err := columnGrantLetters(ap, cols); err != nil {
				return "", nil, err
			}
			continue
		}
		l, ok := names[ap.PrivName]
		if !ok {
			what := "relation"
			switch kind {
			case pg_query.ObjectType_OBJECT_DATABASE:
				what = "database"
			case pg_query.ObjectType_OBJECT_SEQUENCE:
				what = "sequence"
			}
			return "", nil, pgerror.Newf(pgcode.InvalidGrantOperation, "invalid privilege type %s for %s", strings.ToUpper(ap.PrivName), what)
		}
		out += l
	}
	return out, cols, nil
}

func onlyUsage(privs []*pg_query.Node) bool {
	for _, p := range privs {
		if ap := p.GetAccessPriv(); ap == nil || ap.PrivName != "usage" {
			return false
		}
	}
	return len(privs) > 0
}

// grantSchemaNames reads the schema names of ON SCHEMA, ON ALL TABLES IN
// SCHEMA.
func grantSchemaNames(objs []*pg_query.Node) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetString_().GetSval())
	}
	return out
}

// schemasExist refuses an unknown schema name with 3F000.
func (s *Session) schemasExist(objs []*pg_query.Node) error {
	have, err := s.userSchemas()
	if err != nil {
		return err
	}
	for _, n := range grantSchemaNames(objs) {
		if !have[n] && n != "pg_catalog" && n != "information_schema" {
			return pgerror.Newf(pgcode.InvalidSchemaName, "schema \"%s\" does not exist", n)
		}
	}
	return nil
}

// coversEverySchema refuses ON ALL TABLES IN SCHEMA unless it names every
// schema of the database that can hold tables: stela's table privileges
// are the database's, so granting on fewer schemas cannot be kept.
func (s *Session) coversEverySchema(objs []*pg_query.Node) error {
	if err := s.schemasExist(objs); err != nil {
		return err
	}
	have, err := s.userSchemas()
	if err != nil {
		return err
	}
	named := map[string]bool{}
	for _, n := range grantSchemaNames(objs) {
		named[n] = true
	}
	var missing []string
	for n := range have {
		if !named[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return pgerror.New(pgcode.FeatureNotSupported, "privileges on the tables of some schemas only are not supported").
			WithDetail("stela keeps table privileges per database; this database also has schema(s) " + strings.Join(missing, ", ") + ".").
			WithHint("Name every schema: ON ALL TABLES IN SCHEMA public, ...")
	}
	return nil
}

// userSchemas returns the names of the database's schemas that can hold
// tables: public and those made by CREATE SCHEMA.
func (s *Session) userSchemas() (map[string]bool, error) {
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	if s.txn.eng != txn {
		defer txn.Rollback()
	}
	all, err := catalog.All(txn)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{"public": true}
	for _, d := range all {
		if d.Kind == catalog.KindSchema {
			out[d.Name] = true
		}
	}
	return out, nil
}

// applyGrant checks that the session may grant on each database and
// records the change, one system transaction per grantee and database.
func (s *Session) applyGrant(ec *expr.Context, req *grantRequest) error {
	if req.noop {
		return nil
	}
	for _, db := range req.database {
		grantor := req.grantor
		if grantor == "" {
			var err error
			if grantor, err = s.grantorIn(db, req.relations); err != nil {
				return err
			}
		}
		for _, u := range req.grantees {
			changed, err := s.engine.sys.ChangeGrant(ec.Ctx, u, db, grantor, func(g *catalog.Grant) error {
				if req.relations != nil {
					return changeRelationGrant(g, req)
				}
				set := &g.DB
				if req.tables {
					set = &g.Tables
				}
				if req.grant {
					*set += req.letters
				} else {
					*set = withoutLetters(*set, req.letters)
					if req.tables {
						revokeFromColumns(g, 0, req.letters)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if changed {
				on := "database"
				switch {
				case req.tables:
					on = "tables"
				case req.relations != nil:
					on = "relations"
				}
				s.log.Info().Str("user", s.currentUser()).Str("db", db).Str("grantee", u).Str("on", on).
					Str("privileges", req.letters).Bool("grant", req.grant).Msg("privileges changed")
			}
		}
	}
	return nil
}

// grantorIn returns who a grant in db by this session is recorded as made
// by, or 42501 if the session may not grant there. A grant on relations
// alone (rels) may also be made by their owner, recorded as made by it,
// as in PostgreSQL.
func (s *Session) grantorIn(db string, rels []*catalog.Descriptor) (string, error) {
	d, err := s.engine.sys.Database(db)
	if err != nil {
		return "", err
	}
	owner := databaseOwner(d)
	r, err := s.engine.rightsOf(s.currentUser(), db)
	if err != nil {
		return "", err
	}
	if r.superuser || r.owner {
		return owner, nil
	}
	if catalog.Has(r.grant.DB, "C") {
		return s.currentUser(), nil
	}
	if rels == nil {
		return "", s.grantDenied(db, "database "+db)
	}
	grantor := ""
	for _, d := range rels {
		if !r.owns(d.Owner) || grantor != "" && d.Owner != grantor {
			// PostgreSQL's words for a user holding no privilege on
			// it (one holding some but no grant option is warned
			// that nothing was granted; stela has no grant options).
			return "", s.grantDenied(db, relKindWord(d)+" "+d.Name)
		}
		grantor = d.Owner
	}
	return grantor, nil
}

// grantDenied is the 42501 of a GRANT or REVOKE the session may not make
// on object, logged.
func (s *Session) grantDenied(db, object string) error {
	s.log.Warn().Str("user", s.currentUser()).Str("db", db).Str("object", object).Msg("permission denied to grant")
	return pgerror.New(pgcode.InsufficientPrivilege, "permission denied for "+object)
}

// grantRelations resolves the tables (or sequences) a GRANT or REVOKE
// names, in the session's database.
func (s *Session) grantRelations(objs []*pg_query.Node, kind pg_query.ObjectType) ([]*catalog.Descriptor, error) {
	txn, err := s.storage()
	if err != nil {
		return nil, err
	}
	if s.txn.eng != txn {
		defer txn.Rollback()
	}
	var out []*catalog.Descriptor
	for _, o := range objs {
		rv := o.GetRangeVar()
		if rv == nil {
			continue
		}
		if err := refuseSystemCatalog(txn, s.searchPath(), rv.Schemaname, rv.Relname); err != nil {
			return nil, err
		}
		d, err := catalog.Relation(txn, rv.Schemaname, rv.Relname, s.searchPath())
		if err != nil {
			if pe, ok := err.(*pgerror.Error); ok && pe.Position == 0 {
				return nil, pe.WithPosition(int(rv.Location) + 1)
			}
			return nil, err
		}
		if kind == pg_query.ObjectType_OBJECT_SEQUENCE && d.Kind != catalog.KindSequence {
			return nil, pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a sequence", d.Name)
		}
		out = append(out, d)
	}
	return out, nil
}

// changeRelationGrant applies a GRANT or REVOKE on single relations to a
// grant. A sequence takes only its own privileges (as PostgreSQL, which
// warns). A privilege held on every relation of the database cannot be
// taken from one relation alone: stela has no exceptions to a grant on
// all tables.
func changeRelationGrant(g *catalog.Grant, req *grantRequest) error {
	if g.Relations == nil {
		g.Relations = map[uint32]string{}
	}
	for _, d := range req.relations {
		changeColumnGrants(g, d, req.columns, req.grant)
		letters := req.letters
		if d.Kind == catalog.KindSequence {
			letters = catalog.NormPrivs(letters, sequencePrivs)
		}
		if req.grant {
			g.Relations[d.ID] += letters
			continue
		}
		if letters == "" {
			continue
		}
		if held := catalog.NormPrivs(g.Tables, letters); held != "" {
			return pgerror.Newf(pgcode.FeatureNotSupported, "cannot revoke %s on %s \"%s\" alone from \"%s\"",
				catalog.PrivilegeList(held, catalog.TablePrivs), relKindWord(d), d.Name, granteeName(g.User)).
				WithDetail("The user holds it on every relation of the database (GRANT ... ON ALL TABLES IN SCHEMA).").
				WithHint("REVOKE it ON ALL TABLES IN SCHEMA public, then grant it on the relations that keep it.")
		}
		g.Relations[d.ID] = withoutLetters(g.Relations[d.ID], letters)
		revokeFromColumns(g, d.ID, letters)
	}
	return nil
}
