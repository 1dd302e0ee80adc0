package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/types"
)

// fixedSettings is a session whose text input settings are those a
// stored expression was created with (catalog.ExprSettings), so that
// the expression reads its literals the same way in every session.
type fixedSettings struct {
	*Session
	fs types.FormatSettings
}

// exprSettingsOf captures the session's settings for an expression it
// stores.
func exprSettingsOf(s *Session) *catalog.ExprSettings {
	tz, _ := s.Setting("TimeZone")
	ds, _ := s.Setting("DateStyle")
	is, _ := s.Setting("IntervalStyle")
	return &catalog.ExprSettings{TimeZone: tz, DateStyle: ds, IntervalStyle: is}
}

// withSettings is s reading literals under set (PostgreSQL's defaults,
// UTC, when set is nil).
func withSettings(s *Session, set *catalog.ExprSettings) expr.Session {
	fs := *s.FormatSettings()
	d := types.DefaultFormatSettings()
	fs.DateStyle, fs.IntervalStyle, fs.TimeZone = d.DateStyle, d.IntervalStyle, d.TimeZone
	if set != nil {
		fs.DateStyle, fs.IntervalStyle = set.DateStyle, set.IntervalStyle
		if loc, err := loadLocation(set.TimeZone); err == nil {
			fs.TimeZone = loc
		}
	}
	return &fixedSettings{Session: s, fs: fs}
}

func (f *fixedSettings) FormatSettings() *types.FormatSettings { return &f.fs }
