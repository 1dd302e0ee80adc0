package sql

import (
	"strings"

	"github.com/stela-db/stela/catalog"
)

// The search path is asked for several times per table a statement
// names (the virtual tables' lookup, the relation cache's key, the
// catalog's lookup): splitting the setting each time was 1% of a
// simple-protocol point select's allocations. The session keeps the
// last result with what it was computed from.

// searchPathMemo is a computed search path and its inputs.
type searchPathMemo struct {
	setting, front, temp, user string
	valid                      bool
	path                       catalog.SearchPath
	implicitTemp               bool
	tempAt                     int // parseSearchPath's
	// key is path joined by NULs: the relation cache's key.
	key string
	// shown is which bare names of stored text print qualified
	// (shown_names.go), for one catalog version.
	shown *shownNames
}

// pathMemoFor returns the memo for the session's present search_path,
// pathFront, temp schema and user, computing it when one changed.
func (s *Session) pathMemoFor() *searchPathMemo {
	v, _ := s.Setting("search_path")
	temp := ""
	if s.temp.used {
		temp = s.tempSchemaName()
	}
	m := &s.pathMemo
	if m.valid && m.setting == v && m.front == s.pathFront && m.temp == temp && m.user == s.currentUser() {
		return m
	}
	path, implicit, tempAt := s.parseSearchPath(v, temp)
	// A full slice: a caller's append copies rather than writes into
	// the memo.
	path = path[:len(path):len(path)]
	*m = searchPathMemo{setting: v, front: s.pathFront, temp: temp, user: s.currentUser(), valid: true,
		path: path, implicitTemp: implicit, tempAt: tempAt, key: strings.Join(path, "\x00")}
	return m
}
