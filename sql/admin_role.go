package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CREATE ROLE/USER, ALTER ROLE/USER and DROP ROLE/USER. Only superusers
// run them, except that a user may change their own password, as in
// PostgreSQL. Each change is one transaction of the system log. Unlike
// PostgreSQL's, they cannot run inside a transaction block: the system
// transaction they commit would not roll back with the block.
//
// Sessions are tied to a user's name: a user made NOLOGIN, renamed or
// dropped has their other open sessions ended (57P01), so that no session
// runs on with rights the user no longer has, or under a name another
// user may take next.

// roleOptions are the options of CREATE and ALTER ROLE stela keeps.
type roleOptions struct {
	password     *string // set by PASSWORD 'p'
	passwordNull bool    // PASSWORD NULL
	login        *bool
	superuser    *bool
	inherit      *bool
	// CREATE ROLE's IN ROLE, ROLE and ADMIN (admin_membership.go).
	inRoles, members, admins []string
}

// onlyPassword reports whether the options change nothing but the
// password (what a user may do to themselves).
func (o *roleOptions) onlyPassword() bool {
	return (o.password != nil || o.passwordNull) && o.login == nil && o.superuser == nil && o.inherit == nil
}

// parseRoleOptions reads the options. Attributes stela does not have
// (CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS, a connection limit,
// VALID UNTIL) are refused with 0A000 when asked
// for, and accepted when they ask for what stela does anyway.
func parseRoleOptions(opts []*pg_query.Node) (*roleOptions, error) {
	o := &roleOptions{}
	seen := map[string]bool{}
	for _, n := range opts {
		d := n.GetDefElem()
		if d == nil {
			continue
		}
		if seen[d.Defname] {
			return nil, pgerror.New(pgcode.Syntax, "conflicting or redundant options").WithPosition(int(d.Location) + 1)
		}
		seen[d.Defname] = true
		switch d.Defname {
		case "password":
			if d.Arg == nil {
				o.passwordNull = true
				continue
			}
			p, err := defString(d)
			if err != nil {
				return nil, err
			}
			o.password = &p
		case "canlogin", "superuser", "inherit":
			b, err := defBool(d)
			if err != nil {
				return nil, err
			}
			switch d.Defname {
			case "canlogin":
				o.login = &b
			case "superuser":
				o.superuser = &b
			default:
				o.inherit = &b
			}
		case "createdb", "createrole", "isreplication", "bypassrls":
			if b, err := defBool(d); err != nil {
				return nil, err
			} else if b {
				return nil, pgerror.Newf(pgcode.FeatureNotSupported, "role attribute %s is not supported (superusers have it)", strings.ToUpper(d.Defname))
			}
		case "connectionlimit":
			if v, err := defString(d); err != nil {
				return nil, err
			} else if v != "-1" {
				return nil, pgerror.New(pgcode.FeatureNotSupported, "role connection limits are not supported")
			}
		case "validUntil":
			return nil, pgerror.New(pgcode.FeatureNotSupported, "VALID UNTIL is not supported")
		case "addroleto", "rolemembers", "adminmembers":
			names, err := roleNames(d)
			if err != nil {
				return nil, err
			}
			switch d.Defname {
			case "addroleto":
				o.inRoles = names
			case "rolemembers":
				o.members = names
			default:
				o.admins = names
			}
		case "sysid":
			// Ignored by PostgreSQL too, with a notice.
		default:
			return nil, pgerror.Newf(pgcode.Syntax, "option \"%s\" not recognized", d.Defname)
		}
	}
	return o, nil
}

// verifier turns the PASSWORD option into what the user record keeps.
// See rolepassword.go.
func (o *roleOptions) verifier(s *Session) (string, error) {
	if o.passwordNull {
		return "", nil
	}
	return passwordVerifier(s, *o.password)
}

// reservedRoleName refuses the names PostgreSQL reserves.
func reservedRoleName(name string) error {
	if strings.HasPrefix(name, "pg_") {
		return pgerror.Newf(pgcode.ReservedName, "role name \"%s\" is reserved", name).
			WithDetail("Role names starting with \"pg_\" are reserved.")
	}
	switch name {
	case "public", "none", "current_role", "current_user", "session_user":
		return pgerror.Newf(pgcode.ReservedName, "role name \"%s\" is reserved", name)
	}
	return nil
}

func planCreateRole(n *pg_query.CreateRoleStmt) (plan, error) {
	if n.StmtType == pg_query.RoleStmtType_ROLESTMT_GROUP {
		return nil, pgerror.New(pgcode.FeatureNotSupported, "CREATE GROUP is not supported")
	}
	opts, err := parseRoleOptions(n.Options)
	if err != nil {
		return nil, err
	}
	return &adminPlan{tag: "CREATE ROLE", stmt: "CREATE ROLE", fn: func(s *Session, ec *expr.Context) error {
		if err := s.requireSuperuser("permission denied to create role"); err != nil {
			return err
		}
		if err := reservedRoleName(n.Role); err != nil {
			return err
		}
		if err := s.checkRoleMemberships(n.Role, opts); err != nil {
			return err
		}
		u := catalog.User{Name: n.Role, Login: n.StmtType == pg_query.RoleStmtType_ROLESTMT_USER}
		if opts.login != nil {
			u.Login = *opts.login
		}
		if opts.superuser != nil {
			u.Superuser = *opts.superuser
		}
		if opts.inherit != nil {
			u.NoInherit = !*opts.inherit
		}
		if opts.password != nil || opts.passwordNull {
			v, err := opts.verifier(s)
			if err != nil {
				return err
			}
			u.Verifier = v
		}
		if err := s.engine.sys.CreateUser(ec.Ctx, u); err != nil {
			return err
		}
		s.log.Info().Str("role", u.Name).Bool("login", u.Login).Bool("superuser", u.Superuser).Bool("inherit", !u.NoInherit).Msg("role created")
		return s.createRoleMemberships(ec, u.Name, opts)
	}}, nil
}

// roleSpecName resolves a RoleSpec (a name, CURRENT_USER, SESSION_USER,
// CURRENT_ROLE) to a user name.
func (s *Session) roleSpecName(r *pg_query.RoleSpec) (string, error) {
	switch r.Roletype {
	case pg_query.RoleSpecType_ROLESPEC_CSTRING:
		return r.Rolename, nil
	case pg_query.RoleSpecType_ROLESPEC_CURRENT_USER, pg_query.RoleSpecType_ROLESPEC_CURRENT_ROLE:
		return s.currentUser(), nil
	case pg_query.RoleSpecType_ROLESPEC_SESSION_USER:
		return s.user, nil
	}
	return "", pgerror.New(pgcode.UndefinedObject, "role \"public\" does not exist")
}

// existingRole is roleSpecName of a role that must exist (42704).
func (s *Session) existingRole(r *pg_query.RoleSpec) (string, error) {
	name, err := s.roleSpecName(r)
	if err != nil {
		return "", err
	}
	if _, err := s.engine.sys.User(name); err != nil {
		return "", err
	}
	return name, nil
}

func planAlterRole(n *pg_query.AlterRoleStmt) (plan, error) {
	opts, err := parseRoleOptions(n.Options)
	if err != nil {
		return nil, err
	}
	return &adminPlan{tag: "ALTER ROLE", stmt: "ALTER ROLE", fn: func(s *Session, ec *expr.Context) error {
		name, err := s.existingRole(n.Role)
		if err != nil {
			return err
		}
		if !(name == s.currentUser() && opts.onlyPassword()) {
			if err := s.requireSuperuser("permission denied"); err != nil {
				return err
			}
		}
		var v string
		if opts.password != nil || opts.passwordNull {
			if v, err = opts.verifier(s); err != nil {
				return err
			}
		}
		u, err := s.engine.sys.UpdateUser(ec.Ctx, name, func(u *catalog.User) error {
			if opts.password != nil || opts.passwordNull {
				u.Verifier = v
			}
			if opts.login != nil {
				u.Login = *opts.login
			}
			if opts.superuser != nil {
				if name == AdminUser && !*opts.superuser {
					return pgerror.New(pgcode.InsufficientPrivilege, "permission denied to alter role").
						WithDetail("The bootstrap user must have the SUPERUSER attribute.")
				}
				u.Superuser = *opts.superuser
			}
			if opts.inherit != nil {
				u.NoInherit = !*opts.inherit
			}
			return s.engine.keepsLoginSuperuser(u.Name, u)
		})
		if err != nil {
			return err
		}
		if !u.Login {
			s.engine.endUserSessions(s, name)
		}
		s.log.Info().Str("role", name).Bool("login", u.Login).Bool("superuser", u.Superuser).Bool("inherit", !u.NoInherit).Bool("password_changed", opts.password != nil || opts.passwordNull).Msg("role altered")
		return nil
	}}, nil
}

// keepsLoginSuperuser refuses a change that would leave no superuser who
// can log in: replaced is the user changed (or dropped, with after nil),
// after its new record.
func (e *Engine) keepsLoginSuperuser(replaced string, after *catalog.User) error {
	if after != nil && after.Superuser && after.Login {
		return nil
	}
	users, err := e.sys.Users()
	if err != nil {
		return err
	}
	was := false
	for _, u := range users {
		if u.Name == replaced {
			was = u.Superuser && u.Login
			continue
		}
		if u.Superuser && u.Login {
			return nil
		}
	}
	if !was {
		return nil // it was not one: nothing is lost
	}
	return pgerror.New(pgcode.InsufficientPrivilege, "permission denied to alter role").
		WithDetail("stela must keep a superuser who can log in.")
}

// endUserSessions ends the open sessions of a user other than except:
// those it logged in as, and those that SET SESSION AUTHORIZATION or SET
// ROLE to it.
func (e *Engine) endUserSessions(except *Session, user string) {
	e.mu.Lock()
	ss := e.sessionsLocked(except, func(s *Session) bool { return s.authUser == user || s.user == user || s.role == user })
	e.mu.Unlock()
	terminate(ss)
}

func planRenameRole(n *pg_query.RenameStmt) (plan, error) {
	from, to := n.Subname, n.Newname
	return &adminPlan{tag: "ALTER ROLE", stmt: "ALTER ROLE", fn: func(s *Session, ec *expr.Context) error {
		if _, err := s.engine.sys.User(from); err != nil {
			return err
		}
		if from == s.user {
			return pgerror.New(pgcode.FeatureNotSupported, "session user cannot be renamed")
		}
		if from == s.currentUser() {
			return pgerror.New(pgcode.FeatureNotSupported, "current user cannot be renamed")
		}
		if err := reservedRoleName(to); err != nil {
			return err
		}
		if err := s.requireSuperuser("permission denied to rename role"); err != nil {
			return err
		}
		if from == AdminUser {
			return pgerror.New(pgcode.FeatureNotSupported, "the bootstrap user cannot be renamed")
		}
		if err := s.engine.sys.RenameUser(ec.Ctx, from, to, func() error { return s.renamable(from) }); err != nil {
			return err
		}
		s.engine.endUserSessions(s, from)
		s.log.Info().Str("role", from).Str("new_name", to).Msg("role renamed")
		return nil
	}}, nil
}

func planDropRole(n *pg_query.DropRoleStmt) (plan, error) {
	return &adminPlan{tag: "DROP ROLE", stmt: "DROP ROLE", fn: func(s *Session, ec *expr.Context) error {
		if err := s.requireSuperuser("permission denied to drop role"); err != nil {
			return err
		}
		// Every name is checked before any is dropped, so that a
		// refusal drops none (each drop is then its own system
		// transaction).
		var names []string
		for _, r := range n.Roles {
			spec := r.GetRoleSpec()
			if spec == nil {
				continue
			}
			name, err := s.roleSpecName(spec)
			if err != nil {
				return err
			}
			if _, err := s.engine.sys.User(name); pgerror.HasCode(err, pgcode.UndefinedObject) && n.MissingOk {
				s.notice("NOTICE", pgcode.SuccessfulCompletion, "role \""+name+"\" does not exist, skipping")
				continue
			} else if err != nil {
				return err
			}
			if name == s.currentUser() {
				return pgerror.New(pgcode.ObjectInUse, "current user cannot be dropped")
			}
			if name == s.user {
				return pgerror.New(pgcode.ObjectInUse, "session user cannot be dropped")
			}
			if name == AdminUser {
				return pgerror.Newf(pgcode.DependentObjectsStillExist, "cannot drop role %s because it is required by the database system", name)
			}
			owned, err := s.ownedObjects(name, true)
			if err != nil {
				return err
			}
			if err := s.engine.sys.Droppable(name, owned); err != nil {
				return err
			}
			names = append(names, name)
		}
		for _, name := range names {
			owned := func() ([]string, error) { return s.ownedObjects(name, true) }
			err := s.engine.sys.DropUser(ec.Ctx, name, owned, func(*catalog.User) error {
				if err := s.engine.keepsLoginSuperuser(name, nil); err != nil {
					return pgerror.New(pgcode.InsufficientPrivilege, "permission denied to drop role").
						WithDetail("stela must keep a superuser who can log in.")
				}
				return nil
			})
			if pgerror.HasCode(err, pgcode.UndefinedObject) && n.MissingOk {
				continue // dropped meanwhile, or named twice
			} else if err != nil {
				return err
			}
			s.engine.endUserSessions(s, name)
			s.log.Info().Str("role", name).Msg("role dropped")
		}
		return nil
	}}, nil
}
