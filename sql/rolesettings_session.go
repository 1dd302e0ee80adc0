package sql

import (
	"strings"

	"github.com/stela-db/stela/sql/pgerror"
)

// roleSettingLevels are the setting defaults a session starts with, from
// the lowest to the highest precedence, as PostgreSQL applies them:
// ALTER ROLE ALL's, the database's (ALTER DATABASE, or ALTER ROLE ALL IN
// DATABASE), the role's, the role's in the database. source is how
// pg_settings.source names each.
var roleSettingLevels = []struct {
	anyRole, anyDatabase bool
	source               string
}{
	{true, true, "global"},
	{true, false, "database"},
	{false, true, "user"},
	{false, false, "database user"},
}

// applyRoleSettings makes the stored setting defaults of the session's
// role and database its reset values (the startup packet's go over
// them). A stored value that does not pass now (a time zone the system
// no longer knows, a privilege the user lost) is skipped with a warning,
// as PostgreSQL does, rather than failing the login: a bad default must
// not lock users out.
func (s *Session) applyRoleSettings() error {
	for _, l := range roleSettingLevels {
		role, db := s.user, s.db.Name
		if l.anyRole {
			role = ""
		}
		if l.anyDatabase {
			db = ""
		}
		config, err := s.engine.sys.RoleSettingOf(role, db)
		if err != nil {
			return err
		}
		for _, item := range config {
			name, value, _ := strings.Cut(item, "=")
			if err := s.setReset(name, value, l.source); err != nil {
				w := pgerror.Flatten(err).WithSeverity(pgerror.SeverityWarning)
				s.startupWarnings = append(s.startupWarnings, w)
				s.log.Warn().Str("user", s.user).Str("db", s.db.Name).Str("source", l.source).
					Str("setting", item).Str("error", w.Message).Msg("stored setting default skipped")
			}
		}
	}
	return nil
}

// StartupWarnings are the warnings of the session's start for the
// client: the stored setting defaults it skipped.
func (s *Session) StartupWarnings() []*pgerror.Error { return s.startupWarnings }
