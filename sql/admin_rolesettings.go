package sql

import (
	"context"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// ALTER DATABASE ... SET/RESET and ALTER ROLE/USER ... [IN DATABASE ...]
// SET/RESET: setting defaults of new sessions, kept in the system catalog
// (catalog/system_rolesettings.go) and applied when a session starts
// (rolesettings_session.go). They change no open session.
//
// PostgreSQL runs them inside a transaction block; stela cannot: their
// change is a transaction of the system store, which would not roll back
// with the block's transaction of the database's store. They are
// administrative statements as ALTER DATABASE ... OWNER TO and ALTER
// ROLE are here.

// planAlterDatabaseSet plans ALTER DATABASE name SET/RESET, which only
// the database's owner or a superuser may run.
func planAlterDatabaseSet(n *pg_query.AlterDatabaseSetStmt) (plan, error) {
	return &adminPlan{tag: "ALTER DATABASE", stmt: "ALTER DATABASE", fn: func(s *Session, ec *expr.Context) error {
		if err := s.mayAlterDatabaseSettings(n.Dbname); err != nil {
			return err
		}
		return s.alterRoleSetting(ec.Ctx, "", n.Dbname, n.Setstmt)
	}}, nil
}

// planAlterRoleSet plans ALTER ROLE role|ALL [IN DATABASE db] SET/RESET
// (ALTER USER is the same statement). PostgreSQL's checks, in its order:
// a role's settings are changed by a superuser, by a role with CREATEROLE
// when the role is no superuser (stela's superusers have CREATEROLE, no
// one else has it) or by the role itself; those of ALL roles in a
// database by the database's owner, as ALTER DATABASE ... SET; those of
// ALL roles everywhere by a superuser.
func planAlterRoleSet(n *pg_query.AlterRoleSetStmt) (plan, error) {
	return &adminPlan{tag: "ALTER ROLE", stmt: "ALTER ROLE", fn: func(s *Session, ec *expr.Context) error {
		role := ""
		if n.Role != nil {
			name, err := s.roleSpecName(n.Role)
			if err != nil {
				return err
			}
			if strings.HasPrefix(name, "pg_") {
				return pgerror.Newf(pgcode.ReservedName, "role name \"%s\" is reserved", name).
					WithDetail("Cannot alter reserved roles.")
			}
			u, err := s.engine.sys.User(name)
			if err != nil {
				return err
			}
			if u.Superuser {
				if err := s.requireSuperuser("must be superuser to alter superusers"); err != nil {
					return err
				}
			} else if name != s.currentUser() {
				if err := s.requireSuperuser("permission denied"); err != nil {
					return err
				}
			}
			role = name
		}
		switch {
		case n.Database != "" && role == "":
			if err := s.mayAlterDatabaseSettings(n.Database); err != nil {
				return err
			}
		case n.Database != "":
			if _, err := s.engine.sys.Database(n.Database); err != nil {
				return err
			}
		case role == "":
			if err := s.requireSuperuser("permission denied"); err != nil {
				return err
			}
		}
		return s.alterRoleSetting(ec.Ctx, role, n.Database, n.Setstmt)
	}}, nil
}

// mayAlterDatabaseSettings refuses to change the setting defaults of
// database db to a user who neither owns it nor is a superuser; 3D000 if
// there is no such database.
func (s *Session) mayAlterDatabaseSettings(db string) error {
	if _, err := s.engine.sys.Database(db); err != nil {
		return err
	}
	r, err := s.engine.rightsOf(s.currentUser(), db)
	if err != nil {
		return err
	}
	if !r.superuser && !r.owner {
		return pgerror.Newf(pgcode.InsufficientPrivilege, "must be owner of database %s", db)
	}
	return nil
}

// alterRoleSetting applies a SET or RESET clause to the setting defaults
// of role in db ("" for all) in the system catalog.
func (s *Session) alterRoleSetting(ctx context.Context, role, db string, n *pg_query.VariableSetStmt) error {
	edit, err := s.roleSettingEdit(n)
	if err != nil {
		return err
	}
	if err := s.engine.sys.ChangeRoleSetting(ctx, role, db, edit); err != nil {
		return err
	}
	s.log.Info().Str("role", role).Str("db", db).Str("setting", n.Name).Str("kind", n.Kind.String()).Msg("setting default changed")
	return nil
}

// roleSettingEdit checks a SET or RESET clause as PostgreSQL does before
// it stores it, and returns its change of a setconfig array: items
// "name=value", the name in the setting's canonical spelling and the
// value as written (it is checked again, and normalized, when a session
// applies it), a new name after the others.
func (s *Session) roleSettingEdit(n *pg_query.VariableSetStmt) (func([]string) ([]string, error), error) {
	switch n.Kind {
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		return func([]string) ([]string, error) { return nil, nil }, nil
	case pg_query.VariableSetKind_VAR_SET_DEFAULT, pg_query.VariableSetKind_VAR_RESET:
		name, err := s.storableSetting(n.Name, nil)
		if err != nil {
			return nil, err
		}
		return func(config []string) ([]string, error) {
			return slices.DeleteFunc(config, func(item string) bool { return strings.HasPrefix(item, name+"=") }), nil
		}, nil
	case pg_query.VariableSetKind_VAR_SET_VALUE, pg_query.VariableSetKind_VAR_SET_CURRENT:
		var value string
		var err error
		if n.Kind == pg_query.VariableSetKind_VAR_SET_CURRENT {
			value, err = s.Setting(n.Name)
		} else {
			value, err = setValue(n)
		}
		if err != nil {
			return nil, err
		}
		name, err := s.storableSetting(n.Name, &value)
		if err != nil {
			return nil, err
		}
		item := name + "=" + value
		return func(config []string) ([]string, error) {
			for i, old := range config {
				if strings.HasPrefix(old, name+"=") {
					config[i] = item
					return config, nil
				}
			}
			return append(config, item), nil
		}, nil
	}
	// SET TRANSACTION ..., SET SESSION CHARACTERISTICS ...: no setting
	// of that name.
	return nil, pgerror.Newf(pgcode.UndefinedObject, "unrecognized configuration parameter \"%s\"", n.Name)
}

// storableSetting checks that a setting may be stored as a default, with
// value (nil: when it is removed), and returns its canonical name. The
// value must pass as SET's would. A custom setting (a name with a dot
// that stela does not know) cannot be checked at all, so, as in
// PostgreSQL, only a superuser may store one.
func (s *Session) storableSetting(name string, value *string) (string, error) {
	key := strings.ToLower(name)
	st, known := settings[key]
	if !known {
		if !strings.Contains(key, ".") {
			return "", pgerror.Newf(pgcode.UndefinedObject, "unrecognized configuration parameter \"%s\"", name)
		}
		if err := s.requireSuperuser("permission denied to set parameter \"" + key + "\""); err != nil {
			return "", err
		}
		return key, nil
	}
	if value == nil {
		if st.readOnly {
			return "", pgerror.Newf(pgcode.CantChangeRuntimeParam, "parameter \"%s\" cannot be changed", st.name)
		}
		return st.name, nil
	}
	if _, _, err := checkSettingValue(name, *value); err != nil {
		return "", err
	}
	if key == "role" && *value != "none" {
		// As PostgreSQL checks role in a test of the value: a role
		// that does not exist (yet) is noted, not refused; the session
		// that would apply it warns and skips it.
		if _, err := s.engine.sys.User(*value); pgerror.HasCode(err, pgcode.UndefinedObject) {
			s.notice("NOTICE", pgcode.SuccessfulCompletion, "role \""+*value+"\" does not exist")
		}
	}
	return st.name, nil
}
