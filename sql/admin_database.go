package sql

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgenc"
	"github.com/stela-db/stela/sql/pgerror"
)

// CREATE DATABASE, DROP DATABASE and ALTER DATABASE ... RENAME TO (OWNER
// TO is in admin_dbowner.go, SET and RESET in admin_rolesettings.go). They
// change the system catalog, not the current database's, so they need no
// catalog snapshot; like PostgreSQL's they cannot run inside a
// transaction block (their effects, directories and a system
// transaction, cannot be rolled back with it). The engine side, and the
// order of the steps, is in databases.go.

// adminPlan runs a statement on the system catalog.
type adminPlan struct {
	tag string
	// stmt names the statement in "cannot run inside a transaction
	// block".
	stmt string
	fn   func(s *Session, ec *expr.Context) error
}

func (p *adminPlan) run(s *Session, ec *expr.Context) (Result, error) {
	if s.inTransactionBlock() {
		return nil, pgerror.Newf(pgcode.ActiveSQLTransaction, "%s cannot run inside a transaction block", p.stmt)
	}
	if err := p.fn(s, ec); err != nil {
		return nil, err
	}
	return &tagResult{tag: p.tag}, nil
}

// planAdmin plans the statements on databases and roles; nil when the
// statement is none of them.
func (s *Session) planAdmin(node *pg_query.Node) (plan, error) {
	switch n := node.Node.(type) {
	case *pg_query.Node_CreatedbStmt:
		return planCreateDatabase(n.CreatedbStmt)
	case *pg_query.Node_DropdbStmt:
		return planDropDatabase(n.DropdbStmt)
	case *pg_query.Node_AlterDatabaseSetStmt:
		return planAlterDatabaseSet(n.AlterDatabaseSetStmt)
	case *pg_query.Node_AlterDatabaseStmt, *pg_query.Node_AlterDatabaseRefreshCollStmt:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "ALTER DATABASE is supported only for RENAME TO, OWNER TO, SET and RESET")
	case *pg_query.Node_AlterOwnerStmt:
		if n.AlterOwnerStmt.ObjectType == pg_query.ObjectType_OBJECT_DATABASE {
			return planAlterDatabaseOwner(n.AlterOwnerStmt)
		}
	case *pg_query.Node_RenameStmt:
		switch n.RenameStmt.RenameType {
		case pg_query.ObjectType_OBJECT_DATABASE:
			return planRenameDatabase(n.RenameStmt)
		case pg_query.ObjectType_OBJECT_ROLE:
			return planRenameRole(n.RenameStmt)
		}
	case *pg_query.Node_CreateRoleStmt:
		return planCreateRole(n.CreateRoleStmt)
	case *pg_query.Node_AlterRoleStmt:
		return planAlterRole(n.AlterRoleStmt)
	case *pg_query.Node_AlterRoleSetStmt:
		return planAlterRoleSet(n.AlterRoleSetStmt)
	case *pg_query.Node_DropRoleStmt:
		return planDropRole(n.DropRoleStmt)
	case *pg_query.Node_GrantStmt:
		return planGrant(n.GrantStmt)
	case *pg_query.Node_GrantRoleStmt:
		return planGrantRole(n.GrantRoleStmt)
	}
	return nil, nil
}

// requireSuperuser refuses a statement to a session whose user is not a
// superuser now (the system record is read afresh: a superuser demoted
// since logging in has lost the right).
func (s *Session) requireSuperuser(msg string) error {
	u, err := s.engine.sys.User(s.currentUser())
	if err != nil && !pgerror.HasCode(err, pgcode.UndefinedObject) {
		return err
	}
	if u == nil || !u.Superuser {
		return pgerror.New(pgcode.InsufficientPrivilege, msg)
	}
	return nil
}

func planCreateDatabase(n *pg_query.CreatedbStmt) (plan, error) {
	owner, err := createDatabaseOptions(n.Options)
	if err != nil {
		return nil, err
	}
	return &adminPlan{tag: "CREATE DATABASE", stmt: "CREATE DATABASE", fn: func(s *Session, ec *expr.Context) error {
		if err := s.requireSuperuser("permission denied to create database"); err != nil {
			return err
		}
		o := s.currentUser()
		if owner != "" {
			if _, err := s.engine.sys.User(owner); err != nil {
				return err
			}
			o = owner
		}
		return s.engine.createDatabase(ec.Ctx, n.Dbname, o)
	}}, nil
}

// createDatabaseOptions checks CREATE DATABASE's options and returns the
// owner it names ("" for none or DEFAULT). Options that describe what
// stela's databases are anyway (UTF8, C locale, an empty template, the
// default tablespace, connections allowed without limit) are accepted;
// others are refused with 0A000 rather than ignored.
func createDatabaseOptions(opts []*pg_query.Node) (string, error) {
	var owner string
	seen := map[string]bool{}
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		if seen[d.Defname] {
			return "", pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(int(d.Location) + 1)
		}
		seen[d.Defname] = true
		if d.Arg == nil && d.Defname != "owner" && d.Defname != "template" && d.Defname != "tablespace" {
			continue // DEFAULT
		}
		var v string
		if d.Arg != nil {
			var err error
			if v, err = defString(d); err != nil {
				return "", err
			}
		}
		unsupported := func(what string) error {
			return pgerror.Newf(pgcode.FeatureNotSupported, "CREATE DATABASE with %s is not supported", what)
		}
		switch d.Defname {
		case "owner":
			owner = v
		case "template":
			if v != "" && v != "template0" && v != "template1" {
				return "", unsupported("a template other than template0 or template1")
			}
		case "encoding":
			enc, err := encodingOption(d.Arg, v)
			if err != nil {
				return "", err
			}
			if enc != pgenc.UTF8 {
				return "", unsupported("encoding " + enc.Name + " (stela's databases are UTF8)")
			}
		case "locale", "lc_collate", "lc_ctype":
			if v != "C" && v != "POSIX" {
				return "", unsupported(d.Defname + " " + strconv.Quote(v) + " (stela's databases use the C locale)")
			}
		case "locale_provider":
			if strings.ToLower(v) != "libc" {
				return "", unsupported("locale provider " + v)
			}
		case "strategy":
			// How a template is copied: nothing is copied.
			if l := strings.ToLower(v); l != "wal_log" && l != "file_copy" {
				return "", pgerror.Newf(pgcode.InvalidParameterValue, "invalid create database strategy \"%s\"", v).
					WithHint("Valid strategies are \"wal_log\", and \"file_copy\".")
			}
		case "tablespace":
			if v != "" && v != "pg_default" {
				return "", pgerror.Newf(pgcode.UndefinedObject, "tablespace \"%s\" does not exist", v)
			}
		case "allow_connections":
			if b, err := defBool(d); err != nil {
				return "", err
			} else if !b {
				return "", unsupported("ALLOW_CONNECTIONS false")
			}
		case "is_template":
			if b, err := defBool(d); err != nil {
				return "", err
			} else if b {
				return "", unsupported("IS_TEMPLATE true")
			}
		case "connection_limit":
			if v != "-1" {
				return "", unsupported("a connection limit")
			}
		case "icu_locale", "collation_version", "oid":
			return "", unsupported(strings.ToUpper(d.Defname))
		default:
			return "", pgerror.Newf(pgcode.Syntax, "option \"%s\" not recognized", d.Defname).WithPosition(int(d.Location) + 1)
		}
	}
	return owner, nil
}

func planDropDatabase(n *pg_query.DropdbStmt) (plan, error) {
	force := false
	for _, o := range n.Options {
		if d := o.GetDefElem(); d != nil {
			if d.Defname != "force" {
				return nil, pgerror.Newf(pgcode.Syntax, "unrecognized DROP DATABASE option \"%s\"", d.Defname).WithPosition(int(d.Location) + 1)
			}
			force = true
		}
	}
	return &adminPlan{tag: "DROP DATABASE", stmt: "DROP DATABASE", fn: func(s *Session, ec *expr.Context) error {
		if _, err := s.engine.sys.Database(n.Dbname); pgerror.HasCode(err, pgcode.InvalidCatalogName) && n.MissingOk {
			s.notice("NOTICE", pgcode.SuccessfulCompletion, "database \""+n.Dbname+"\" does not exist, skipping")
			return nil
		} else if err != nil {
			return err
		}
		if err := s.requireSuperuser("must be owner of database " + n.Dbname); err != nil {
			return err
		}
		if n.Dbname == s.db.Name {
			return pgerror.New(pgcode.ObjectInUse, "cannot drop the currently open database")
		}
		return s.engine.dropDatabase(ec.Ctx, s, n.Dbname, force)
	}}, nil
}

func planRenameDatabase(n *pg_query.RenameStmt) (plan, error) {
	from := n.Subname
	return &adminPlan{tag: "ALTER DATABASE", stmt: "ALTER DATABASE", fn: func(s *Session, ec *expr.Context) error {
		if _, err := s.engine.sys.Database(from); err != nil {
			return err
		}
		if err := s.requireSuperuser("must be owner of database " + from); err != nil {
			return err
		}
		return s.engine.renameDatabase(ec.Ctx, s, from, n.Newname)
	}}, nil
}

// encodingOption is the encoding CREATE DATABASE's ENCODING names, by
// name in any of PostgreSQL's spellings ('utf-8', 'Unicode') or by its
// number (6) when written as an integer.
func encodingOption(arg *pg_query.Node, v string) (*pgenc.Encoding, error) {
	if n := arg.GetInteger(); n != nil {
		enc, ok := pgenc.ByID(int64(n.Ival))
		if !ok {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "%d is not a valid encoding code", n.Ival)
		}
		return enc, nil
	}
	enc, ok := pgenc.Lookup(v)
	if !ok {
		return nil, pgerror.Newf(pgcode.UndefinedObject, "%s is not a valid encoding name", v)
	}
	return enc, nil
}
