package sql

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/rs/zerolog"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/internal/passwd"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// AdminUser is the superuser created at first start.
const AdminUser = "admin"

// Databases every server has from its first start.
var initialDatabases = []string{"defaultdb", "postgres"}

// Config configures an Engine.
type Config struct {
	// DataDir holds the system store (system/) and one store per database
	// (databases/<name>/).
	DataDir string
	// KV is the template of every store's options (filesystem, limits,
	// signer); Origin and Logger are set per store.
	KV     kv.Options
	Logger zerolog.Logger
	// MaxConnections is reported by SHOW max_connections.
	MaxConnections int
}

// Engine is the SQL engine of a server: the system catalog and the
// databases it serves. It is safe for concurrent use.
type Engine struct {
	cfg    Config
	log    zerolog.Logger
	sys    *catalog.System
	secret []byte    // server secret for decoy SCRAM salts
	cache  *kv.Cache // the stores' shared block cache, when the engine made it

	// fs is the filesystem of the data directory (Config.KV.FS).
	fs vfs.FS
	// ddlMu serializes CREATE, DROP and ALTER DATABASE: each is several
	// steps (directory, system record, served map) that must not
	// interleave with another's.
	ddlMu sync.Mutex

	mu  sync.Mutex
	dbs map[string]*Database // open databases, by name; guarded by mu
	// sessions are the open sessions (session_registry.go); guarded by mu.
	sessions map[*Session]struct{}

	nextPID atomic.Int32
	// advisory is the table of advisory locks (advisory_locks.go).
	advisory advisoryLocks
	// notify is the sessions listening for notifications (notify.go).
	notify notifyHub
	// started is when the engine opened (pg_postmaster_start_time).
	started time.Time
}

// Database is an open database.
type Database struct {
	Name  string
	Store *kv.Store
	DB    *engine.DB
	// stats counts the database's statements (dbstats.go); it stays with
	// the database across a rename.
	stats *DatabaseStats
	// fkReferencing is the foreign keys by the table they reference, for
	// the newest catalog version a planner asked (fk_referencing.go).
	fkReferencing atomic.Pointer[fkReferencing]
	// relations is the relations statements named, resolved, at the
	// newest catalog version a planner asked (relation_cache.go).
	relations atomic.Pointer[relationCache]
}

// Open opens (creating on first start) the system store and the initial
// databases under cfg.DataDir.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	e := &Engine{cfg: cfg, log: cfg.Logger.With().Str("component", "sql").Logger(), dbs: map[string]*Database{}, started: time.Now()}
	if cfg.KV.Cache == nil {
		// One block cache for every database (and the system store),
		// sized as PostgreSQL's default shared_buffers is, twice over.
		size := cfg.KV.CacheSize
		if size <= 0 {
			size = DefaultCacheSize
		}
		e.cache = kv.NewCache(size)
	}
	e.secret = make([]byte, 32)
	if _, err := rand.Read(e.secret); err != nil {
		return nil, err
	}
	e.fs = cfg.KV.FS
	if e.fs == nil {
		e.fs = vfs.Default
	}
	sysStore, err := e.openStore(catalog.DefaultOrigin("system"), filepath.Join(cfg.DataDir, "system"))
	if err != nil {
		e.Close()
		return nil, err
	}
	e.sys = catalog.NewSystem(sysStore)
	if err := e.openDatabases(ctx); err != nil {
		e.Close()
		return nil, err
	}
	for _, db := range e.dbs {
		// No session is open yet: every temp schema is a leftover
		// (temp.go). One that cannot be dropped now is dropped by the
		// session given its number.
		if err := e.dropLeftoverTemp(db); err != nil {
			e.log.Error().Err(err).Str("db", db.Name).Msg("dropping leftover temporary schemas failed")
		}
	}
	return e, nil
}

// openDatabases repairs what a crash in CREATE or DROP DATABASE left
// (dbdirs.go), creates the initial databases on first start and opens
// every recorded database.
func (e *Engine) openDatabases(ctx context.Context) error {
	if err := e.repairDirs(); err != nil {
		return err
	}
	for _, name := range initialDatabases {
		if _, err := e.sys.Database(name); err == nil {
			continue
		} else if !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
			return err
		}
		if err := e.createDatabase(ctx, name, ""); err != nil {
			return err
		}
	}
	dbs, err := e.sys.Databases()
	if err != nil {
		return err
	}
	for _, d := range dbs {
		if _, ok := e.dbs[d.Name]; ok {
			continue // just created
		}
		dir := filepath.Join(e.cfg.DataDir, d.Dir)
		if _, err := e.fs.Stat(dir); errors.Is(err, os.ErrNotExist) {
			// Opening would create an empty store in its place and
			// serve it as if it were the database: refuse to serve it;
			// DROP DATABASE still removes the record.
			e.log.Error().Str("db", d.Name).Str("dir", dir).Msg("database directory is missing: database not served")
			continue
		}
		st, err := e.openStore(origin(d), dir)
		if err != nil {
			return err
		}
		e.dbs[d.Name] = e.newDatabase(d.Name, st)
	}
	return nil
}

// origin is a database's log origin.
func origin(d catalog.Database) string {
	if d.Origin != "" {
		return d.Origin
	}
	return catalog.DefaultOrigin(d.Name)
}

// newDatabase wraps a database's store for SQL.
func (e *Engine) newDatabase(name string, st *kv.Store) *Database {
	db := engine.NewDB(st)
	catalog.CacheVersion(db)
	db.SetDeadlockCheck(e.inMixedDeadlock)
	return &Database{Name: name, Store: st, DB: db, stats: newDatabaseStats()}
}

// DefaultCacheSize is the block cache the databases of a server share
// unless Config.KV sets one.
const DefaultCacheSize = 256 << 20

// maxTxEntries is the entry limit of a database's transactions.
const maxTxEntries = 16_000_000

// openStore opens the kv store of one database (or the system store)
// with its log origin.
func (e *Engine) openStore(origin, dir string) (*kv.Store, error) {
	opts := e.cfg.KV
	if opts.MaxTxEntries == 0 {
		// A SQL transaction writes a row and an entry per index: one
		// inserting a million rows into a table with a few indexes must
		// fit. The byte limits (kv's and the engine's write buffer) still
		// bound its memory.
		opts.MaxTxEntries = maxTxEntries
	}
	if e.cache != nil {
		opts.Cache = e.cache
	}
	opts.Origin = origin
	l := e.cfg.Logger.With().Str("origin", origin).Logger()
	opts.Logger = &l
	st, err := kv.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("open store \"%s\": %w", origin, err)
	}
	return st, nil
}

// Close closes every store; it waits for operations in progress.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for name, d := range e.dbs {
		// Advisory (a failed save costs a recount after the restart):
		// logged, not Close's error.
		if err := d.DB.SaveRowCounts(); err != nil {
			e.log.Warn().Err(err).Str("db", name).Msg("could not save the row counts")
		}
		if err := d.Store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", name, err))
		}
		delete(e.dbs, name)
	}
	if e.sys != nil {
		errs = append(errs, e.sys.Store().Close())
	}
	if e.cache != nil {
		e.cache.Close()
		e.cache = nil
	}
	return errors.Join(errs...)
}

// System returns the system catalog.
func (e *Engine) System() *catalog.System { return e.sys }

// Database returns an open database, or 3D000.
func (e *Engine) Database(name string) (*Database, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d, ok := e.dbs[name]; ok {
		return d, nil
	}
	return nil, pgerror.Newf(pgcode.InvalidCatalogName, "database \"%s\" does not exist", name)
}

// Databases returns the names of the open databases.
func (e *Engine) Databases() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	names := make([]string, 0, len(e.dbs))
	for n := range e.dbs {
		names = append(names, n)
	}
	return names
}

// EnsureAdmin creates the admin user on first start. With an empty
// password it generates one and returns it, so that the caller can show
// it once; created is false when the admin already existed.
func (e *Engine) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	if _, err := e.sys.User(AdminUser); err == nil {
		return false, "", nil
	} else if !pgerror.HasCode(err, pgcode.UndefinedObject) {
		return false, "", err
	}
	if password == "" {
		if generated, err = passwd.Generate(); err != nil {
			return false, "", err
		}
		password = generated
	}
	v, err := passwd.NewVerifier(password)
	if err != nil {
		return false, "", pgerror.Wrapf(err, pgcode.InvalidParameterValue, "admin password: %v", err)
	}
	if err := e.sys.CreateUser(ctx, catalog.User{Name: AdminUser, Verifier: v, Superuser: true, Login: true}); err != nil {
		return false, "", engine.StorageError(err)
	}
	return true, generated, nil
}

// LookupUser returns a user for authentication; 42704 when unknown.
func (e *Engine) LookupUser(name string) (*catalog.User, error) { return e.sys.User(name) }

// DecoySecret is a per-process secret for answering logins of unknown
// users indistinguishably (see passwd.Decoy).
func (e *Engine) DecoySecret() []byte { return e.secret }

// NewPID returns a new backend process id for a session.
func (e *Engine) NewPID() int32 { return e.nextPID.Add(1) + 1000 }

// DataDir is the engine's data directory.
func (e *Engine) DataDir() string { return e.cfg.DataDir }
