package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Setting defaults of roles and databases (ALTER DATABASE ... SET, ALTER
// ROLE ... [IN DATABASE ...] SET), what pg_db_role_setting shows: one
// record per role and database pair in the system store, so that each
// change is one transaction of the system log, as a grant is. An empty
// role or database stands for all of them (PostgreSQL's 0 OID). Records
// are keyed by names, as grants are: a rename re-keys them, and a drop
// deletes them, in the rename's or the drop's transaction.

// Key prefix of setting records: prefix, role, 0, database. Persisted.
var roleSettingPrefix = []byte{0x01, 'r'}

// RoleSetting is the setting defaults of a role in a database.
type RoleSetting struct {
	// Role and Database are "" for all roles, all databases.
	Role     string `json:"role,omitempty"`
	Database string `json:"database,omitempty"`
	// Config is pg_db_role_setting.setconfig: "name=value" items in the
	// order they were first set.
	Config []string `json:"config"`
}

func roleSettingKey(role, db string) []byte {
	k := append(append([]byte(nil), roleSettingPrefix...), role...)
	return append(append(k, 0), db...)
}

// RoleSettingOf returns the setconfig of role in db ("" for all), nil
// when there is none.
func (s *System) RoleSettingOf(role, db string) ([]string, error) {
	if s.store.LastTx() == 0 {
		return nil, nil
	}
	v, err := s.store.Get(roleSettingKey(role, db))
	if errors.Is(err, kv.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, engine.StorageError(err)
	}
	var r RoleSetting
	if err := json.Unmarshal(v.Value, &r); err != nil {
		return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: setting record \"%s\": %v", v.Key, err)
	}
	return r.Config, nil
}

// RoleSettings lists every record at the latest system tx, by role then
// database (the records for all roles first).
func (s *System) RoleSettings() ([]RoleSetting, error) {
	last := s.store.LastTx()
	if last == 0 {
		return nil, nil
	}
	it, err := s.store.Scan(kv.PrefixRange(roleSettingPrefix), last)
	if err != nil {
		return nil, engine.StorageError(err)
	}
	defer it.Close()
	var out []RoleSetting
	for it.Next() {
		var r RoleSetting
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: setting record \"%s\": %v", it.Key(), err)
		}
		out = append(out, r)
	}
	if err := it.Err(); err != nil {
		return nil, engine.StorageError(err)
	}
	return out, nil
}

// ChangeRoleSetting applies change to the setconfig of role in db (""
// for all) and stores the result in one system transaction when it
// changed; an empty result deletes the record. change runs under the
// catalog lock, after the role (42704) and the database (3D000) are
// found to exist, so that no record outlives a concurrent drop.
func (s *System) ChangeRoleSetting(ctx context.Context, role, db string, change func(config []string) ([]string, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if role != "" {
		if _, err := s.User(role); err != nil {
			return err
		}
	}
	if db != "" {
		if _, err := s.Database(db); err != nil {
			return err
		}
	}
	old, err := s.RoleSettingOf(role, db)
	if err != nil {
		return err
	}
	config, err := change(slices.Clone(old))
	if err != nil {
		return err
	}
	if slices.Equal(config, old) {
		return nil
	}
	key := roleSettingKey(role, db)
	if len(config) == 0 {
		return s.commit(ctx, kv.Write{Key: key, Delete: true})
	}
	b, err := json.Marshal(RoleSetting{Role: role, Database: db, Config: config})
	if err != nil {
		return err
	}
	return s.commit(ctx, kv.Write{Key: key, Value: b})
}

// dropRoleSettings returns the writes that delete the records match
// picks (those of a dropped role or database).
func (s *System) dropRoleSettings(match func(RoleSetting) bool) ([]kv.Write, error) {
	rs, err := s.RoleSettings()
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, r := range rs {
		if match(r) {
			w = append(w, kv.Write{Key: roleSettingKey(r.Role, r.Database), Delete: true})
		}
	}
	return w, nil
}

// moveRoleSettings returns the writes that re-key the records rename
// changes (it reports true after changing the role or database name).
func (s *System) moveRoleSettings(rename func(*RoleSetting) bool) ([]kv.Write, error) {
	rs, err := s.RoleSettings()
	if err != nil {
		return nil, err
	}
	var w []kv.Write
	for _, r := range rs {
		oldKey := roleSettingKey(r.Role, r.Database)
		if !rename(&r) {
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		w = append(w, kv.Write{Key: oldKey, Delete: true}, kv.Write{Key: roleSettingKey(r.Role, r.Database), Value: b})
	}
	return w, nil
}
