package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Changes of users and databases. Each is one transaction of the system
// store, so the system log proves who existed, under which name and with
// which attributes, at every tx; a rename is a delete and a put in the
// same transaction, never a moment with both names or neither.

// UpdateUser applies change to the user named name and stores the result
// (ALTER USER); 42704 if there is no such user. change runs under the
// catalog lock: what it checks cannot change before the write.
func (s *System) UpdateUser(ctx context.Context, name string, change func(*User) error) (*User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.User(name)
	if err != nil {
		return nil, err
	}
	if err := change(u); err != nil {
		return nil, err
	}
	u.Name = name
	return u, s.put(ctx, userPrefix, name, u)
}

// RenameUser renames a user; 42704 if from does not exist, 42710 if to
// does. The databases the user owns name the new owner, and the user's
// grants, setting defaults and memberships move to the new name, in the
// same transaction. check, when not nil, runs under the catalog lock and may
// refuse (what the databases' own catalogs hold cannot follow).
func (s *System) RenameUser(ctx context.Context, from, to string, check func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.User(from)
	if err != nil {
		return err
	}
	if _, err := s.User(to); err == nil {
		return pgerror.Newf(pgcode.DuplicateObject, "role \"%s\" already exists", to)
	} else if !pgerror.HasCode(err, pgcode.UndefinedObject) {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	u.Name = to
	b, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("catalog: encode \"%s\": %w", to, err)
	}
	writes := []kv.Write{{Key: recordKey(userPrefix, from), Delete: true}, {Key: recordKey(userPrefix, to), Value: b}}
	dbs, err := s.Databases()
	if err != nil {
		return err
	}
	for _, d := range dbs {
		if d.Owner != from {
			continue
		}
		d.Owner = to
		db, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("catalog: encode \"%s\": %w", d.Name, err)
		}
		writes = append(writes, kv.Write{Key: recordKey(databasePrefix, d.Name), Value: db})
	}
	moved, err := s.moveGrants(func(g *Grant) bool {
		if g.User != from {
			return false
		}
		g.User = to
		return true
	})
	if err != nil {
		return err
	}
	settings, err := s.moveRoleSettings(func(r *RoleSetting) bool {
		if r.Role != from {
			return false
		}
		r.Role = to
		return true
	})
	if err != nil {
		return err
	}
	members, err := s.moveMemberships(from, to)
	if err != nil {
		return err
	}
	return s.commit(ctx, append(append(append(writes, moved...), settings...), members...)...)
}

// DropUser deletes a user; 42704 if there is none. It is refused while
// anything depends on the user (2BP01): what the system catalog holds,
// and what owned, when not nil, lists of the objects the databases'
// own catalogs hold (their relations' owners), in PostgreSQL's words.
// owned and check run under the catalog lock; check may refuse too (the
// last superuser).
func (s *System) DropUser(ctx context.Context, name string, owned func() ([]string, error), check func(victim *User) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.User(name)
	if err != nil {
		return err
	}
	var more []string
	if owned != nil {
		if more, err = owned(); err != nil {
			return err
		}
	}
	if err := s.ownsNoDatabase(name, more); err != nil {
		return err
	}
	if check != nil {
		if err := check(u); err != nil {
			return err
		}
	}
	// As PostgreSQL, the user's setting defaults go with it.
	writes, err := s.dropRoleSettings(func(r RoleSetting) bool { return r.Role == name })
	if err != nil {
		return err
	}
	// So do its memberships, as a group and as a member.
	members, err := s.dropMemberships(name)
	if err != nil {
		return err
	}
	writes = append(writes, members...)
	return s.commit(ctx, append(writes, kv.Write{Key: recordKey(userPrefix, name), Delete: true})...)
}

// DropDatabase deletes a database's record, with the grants and the
// setting defaults in it; 3D000 if there is none.
func (s *System) DropDatabase(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.Database(name); err != nil {
		return err
	}
	writes, err := s.dropGrants(func(g Grant) bool { return g.Database == name })
	if err != nil {
		return err
	}
	settings, err := s.dropRoleSettings(func(r RoleSetting) bool { return r.Database == name })
	if err != nil {
		return err
	}
	writes = append(writes, settings...)
	return s.commit(ctx, append(writes, kv.Write{Key: recordKey(databasePrefix, name), Delete: true})...)
}

// RenameDatabase renames a database's record, keeping its directory and
// origin (its grants and setting defaults follow it); 3D000 if from does not exist, 42P04 if to does.
func (s *System) RenameDatabase(ctx context.Context, from, to string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.Database(from)
	if err != nil {
		return err
	}
	if _, err := s.Database(to); err == nil {
		return pgerror.Newf(pgcode.DuplicateDatabase, "database \"%s\" already exists", to)
	} else if !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
		return err
	}
	if d.Origin == "" {
		d.Origin = DefaultOrigin(from)
	}
	d.Name = to
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("catalog: encode \"%s\": %w", to, err)
	}
	moved, err := s.moveGrants(func(g *Grant) bool {
		if g.Database != from {
			return false
		}
		g.Database = to
		return true
	})
	if err != nil {
		return err
	}
	settings, err := s.moveRoleSettings(func(r *RoleSetting) bool {
		if r.Database != from {
			return false
		}
		r.Database = to
		return true
	})
	if err != nil {
		return err
	}
	return s.commit(ctx, append(append(moved, settings...),
		kv.Write{Key: recordKey(databasePrefix, from), Delete: true},
		kv.Write{Key: recordKey(databasePrefix, to), Value: b})...)
}

// DefaultOrigin is the log origin of a database whose record names none:
// the one the server gave every store before origins were recorded.
func DefaultOrigin(name string) string { return "stela.local/" + name }

func (s *System) commit(ctx context.Context, writes ...kv.Write) error {
	_, err := s.store.Commit(ctx, writes)
	return engine.StorageError(err)
}

// Droppable refuses (2BP01) to drop a user on whom something depends,
// as DropUser would: DROP ROLE checks every role it names before it
// drops any. more is as DropUser's owned returns.
func (s *System) Droppable(user string, more []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ownsNoDatabase(user, more)
}

// ownsNoDatabase refuses to drop the owner of a database or a holder of
// privileges, or a user owning the objects more lists, as PostgreSQL
// (2BP01).
func (s *System) ownsNoDatabase(user string, more []string) error {
	dbs, err := s.Databases()
	if err != nil {
		return err
	}
	var owned []string
	for _, d := range dbs {
		if d.Owner == user {
			owned = append(owned, "owner of database "+d.Name)
		}
	}
	// As PostgreSQL, privileges held block the drop too (REVOKE first),
	// so that no grant is lost unseen.
	gs, err := s.Grants(0)
	if err != nil {
		return err
	}
	for _, g := range gs {
		if g.User == user {
			owned = append(owned, "privileges for database "+g.Database)
		}
	}
	owned = append(owned, more...)
	if len(owned) == 0 {
		return nil
	}
	return pgerror.Newf(pgcode.DependentObjectsStillExist, "role \"%s\" cannot be dropped because some objects depend on it", user).
		WithDetail(strings.Join(owned, "\n"))
}
