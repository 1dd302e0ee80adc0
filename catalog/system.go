package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Key prefixes of system catalog records. Persisted.
var (
	userPrefix     = []byte{0x01, 'u'}
	databasePrefix = []byte{0x01, 'd'}
)

// User is a role. Privileges on databases (GRANT) are to be records of
// their own, keyed by user and database, so that each grant is one
// transaction of the system log and a user's record stays as it is.
type User struct {
	Name string `json:"name"`
	// Verifier is the SCRAM-SHA-256 verifier of the password, in
	// PostgreSQL's rolpassword form (see internal/passwd); empty: no
	// password, so no password login.
	Verifier  string `json:"verifier"`
	Superuser bool   `json:"superuser"`
	Login     bool   `json:"login"`
	// NoInherit is CREATE ROLE ... NOINHERIT: the role does not use the
	// privileges of the roles it is a member of without SET ROLE
	// (inherit.go). Kept negated so that records written before it
	// existed, and every INHERIT role, store nothing for it.
	NoInherit bool `json:"noinherit,omitempty"`
}

// Database is a database served by the server, with its own store.
type Database struct {
	Name string `json:"name"`
	// Dir is the store's directory, relative to the data directory. It is
	// chosen at creation and never changes (ALTER DATABASE RENAME keeps
	// it), so a directory name says nothing about the database's name.
	Dir string `json:"dir"`
	// Origin is the store's log origin (its checkpoints' first line),
	// fixed at creation: a renamed database keeps its log's identity.
	// Empty in records written before it existed: "stela.local/" + Name.
	Origin string `json:"origin,omitempty"`
	// Owner is the user who created the database (pg_database.datdba);
	// empty: the admin.
	Owner string `json:"owner,omitempty"`
}

// System is the system catalog: users and databases, in the system store.
type System struct {
	store *kv.Store
	// mu serializes catalog writes: a check and the write that depends on
	// it (create a user that does not exist) must not interleave.
	mu sync.Mutex
}

// NewSystem returns the system catalog kept in store.
func NewSystem(store *kv.Store) *System { return &System{store: store} }

// Store returns the system store.
func (s *System) Store() *kv.Store { return s.store }

// User returns the user named name, or an error with code 42704 (undefined
// object) when there is none.
func (s *System) User(name string) (*User, error) {
	var u User
	if err := s.get(userPrefix, name, &u); err != nil {
		if errors.Is(err, kv.ErrNotFound) {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "role \"%s\" does not exist", name)
		}
		return nil, err
	}
	return &u, nil
}

// CreateUser adds a user; 42710 if the name is taken.
func (s *System) CreateUser(ctx context.Context, u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.User(u.Name); err == nil {
		return pgerror.Newf(pgcode.DuplicateObject, "role \"%s\" already exists", u.Name)
	} else if !pgerror.HasCode(err, pgcode.UndefinedObject) {
		return err
	}
	return s.put(ctx, userPrefix, u.Name, u)
}

// Database returns the database named name, or 3D000.
func (s *System) Database(name string) (*Database, error) {
	var d Database
	if err := s.get(databasePrefix, name, &d); err != nil {
		if errors.Is(err, kv.ErrNotFound) {
			return nil, pgerror.Newf(pgcode.InvalidCatalogName, "database \"%s\" does not exist", name)
		}
		return nil, err
	}
	return &d, nil
}

// CreateDatabase records a database; 42P04 if the name is taken.
func (s *System) CreateDatabase(ctx context.Context, d Database) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.Database(d.Name); err == nil {
		return pgerror.Newf(pgcode.DuplicateDatabase, "database \"%s\" already exists", d.Name)
	} else if !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
		return err
	}
	return s.put(ctx, databasePrefix, d.Name, d)
}

// Databases lists the databases in name order.
func (s *System) Databases() ([]Database, error) {
	last := s.store.LastTx()
	if last == 0 {
		return nil, nil
	}
	it, err := s.store.Scan(kv.PrefixRange(databasePrefix), last)
	if err != nil {
		return nil, engine.StorageError(err)
	}
	defer it.Close()
	var out []Database
	for it.Next() {
		var d Database
		if err := json.Unmarshal(it.Value(), &d); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: database record \"%s\": %v", it.Key(), err)
		}
		out = append(out, d)
	}
	if err := it.Err(); err != nil {
		return nil, engine.StorageError(err)
	}
	return out, nil
}

func recordKey(prefix []byte, name string) []byte {
	return append(append([]byte(nil), prefix...), name...)
}

// get reads and decodes a record at the latest tx; kv.ErrNotFound passes
// through for the caller to name.
func (s *System) get(prefix []byte, name string, into any) error {
	if name == "" {
		return kv.ErrNotFound
	}
	v, err := s.store.Get(recordKey(prefix, name))
	if err != nil {
		if errors.Is(err, kv.ErrNotFound) {
			return err
		}
		return engine.StorageError(err)
	}
	if err := json.Unmarshal(v.Value, into); err != nil {
		return pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: record \"%s\": %v", name, err)
	}
	return nil
}

// put writes one record in its own transaction.
func (s *System) put(ctx context.Context, prefix []byte, name string, rec any) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("catalog: encode \"%s\": %w", name, err)
	}
	_, err = s.store.Commit(ctx, []kv.Write{{Key: recordKey(prefix, name), Value: b}})
	return engine.StorageError(err)
}

// Users lists the users in name order.
func (s *System) Users() ([]User, error) {
	last := s.store.LastTx()
	if last == 0 {
		return nil, nil
	}
	it, err := s.store.Scan(kv.PrefixRange(userPrefix), last)
	if err != nil {
		return nil, engine.StorageError(err)
	}
	defer it.Close()
	var out []User
	for it.Next() {
		var u User
		if err := json.Unmarshal(it.Value(), &u); err != nil {
			return nil, pgerror.Wrapf(err, pgcode.DataCorrupted, "catalog: user record \"%s\": %v", it.Key(), err)
		}
		out = append(out, u)
	}
	if err := it.Err(); err != nil {
		return nil, engine.StorageError(err)
	}
	return out, nil
}
