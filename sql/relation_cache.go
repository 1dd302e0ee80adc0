package sql

import (
	"sync"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
)

// The relations statements name, resolved, shared by a database's
// sessions. Resolving a name reads the schemas of the search path, the
// name entry and the descriptor, and decodes the descriptor's JSON: a
// fifth of a simple-protocol point select's server time, paid again by
// every statement that is not a prepared one (docs/BENCHMARKS.md,
// "Simple-protocol statements").
//
// A committed catalog version names one committed catalog: every DDL
// statement bumps it (ddlPlan; temp.go for temporary schemas), and of
// two transactions bumping it the second to commit fails with 40001. So
// a resolution made at one version holds for every transaction that
// sees that version. As fk_referencing.go does, a transaction that
// changed the schema itself neither reads nor fills the cache, and the
// database keeps the newest version asked for: a transaction with an
// older snapshot resolves names itself. Only found relations are kept;
// a missing one is an error each time.
//
// Descriptors in the cache are shared: the planners and writers that
// get them only read them. DDL changes descriptors it resolves itself
// (relationFor), with the version already bumped.

// relationCache is the resolutions made at one catalog version.
type relationCache struct {
	version uint64
	mu      sync.RWMutex
	byName  map[cachedName]*catalog.Descriptor
	// byID is descriptors read by id (a serial column's sequence).
	byID map[uint32]*catalog.Descriptor
	// layouts are the engine layouts of the cached tables, by descriptor:
	// built once, read-only like the descriptors (writes build their own,
	// writeLayout).
	layouts map[*catalog.Descriptor]*engine.Layout
	// funcNames are the names user functions of any schema have, read
	// at the first call planned at this version (functionNamed).
	funcNames map[string]struct{}
}

// cachedName is a relation as a statement names it: the schema as
// written (possibly empty or pg_temp) and the search path it was
// resolved with, temporary schema included.
type cachedName struct {
	path, schema, name string
}

// maxCachedRelations bounds a version's cache: past it, resolutions are
// no longer kept (DDL starts a new cache).
const maxCachedRelations = 4096

// relation resolves a relation named in a query, through the database's
// cache when the planner's transaction may use it.
func (pl *planner) relation(schema, name string) (*catalog.Descriptor, error) {
	m := pl.s.pathMemoFor()
	path := m.path
	key := cachedName{path: m.key, schema: schema, name: name}
	return throughCache(pl, func(c *relationCache) map[cachedName]*catalog.Descriptor { return c.byName }, key,
		func() (*catalog.Descriptor, error) { return catalog.Relation(pl.txn, schema, name, path) })
}

// descriptor returns descriptor id (nil if there is none), through the
// database's cache as relation does.
func (pl *planner) descriptor(id uint32) (*catalog.Descriptor, error) {
	return throughCache(pl, func(c *relationCache) map[uint32]*catalog.Descriptor { return c.byID }, id,
		func() (*catalog.Descriptor, error) { return catalog.Get(pl.txn, id) })
}

// throughCache finds key in the map pick chooses of the database's cache
// for the planner's transaction; on a miss, or when the transaction may
// not use the cache, load reads the catalog, and a found descriptor is
// kept.
func throughCache[K comparable](pl *planner, pick func(*relationCache) map[K]*catalog.Descriptor, key K, load func() (*catalog.Descriptor, error)) (*catalog.Descriptor, error) {
	if catalog.ChangedIn(pl.txn) {
		return load()
	}
	version, err := catalog.Version(pl.txn)
	if err != nil {
		return nil, err
	}
	c := pl.s.db.relationsAt(version)
	if c != nil {
		c.mu.RLock()
		d := pick(c)[key]
		c.mu.RUnlock()
		if d != nil {
			return d, nil
		}
	}
	d, err := load()
	if err != nil || d == nil || c == nil {
		return d, err
	}
	c.mu.Lock()
	if m := pick(c); len(m) < maxCachedRelations {
		m[key] = d
		if d.Kind == catalog.KindTable && d.Table != nil && c.layouts[d] == nil {
			c.layouts[d] = catalog.Layout(d)
		}
	}
	c.mu.Unlock()
	return d, nil
}

// layout returns table d's layout for a scan to read through: the
// cache's when d is a cached descriptor (building it was a tenth of
// resolving a table in a simple-protocol point select), else a new one.
// Callers do not change it.
func (pl *planner) layout(d *catalog.Descriptor) *engine.Layout {
	if l := pl.s.db.cachedLayout(d); l != nil {
		return l
	}
	return catalog.Layout(d)
}

// cachedLayout is the cache's layout of table d, nil when d is not a
// cached descriptor.
func (db *Database) cachedLayout(d *catalog.Descriptor) *engine.Layout {
	c := db.relations.Load()
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.layouts[d]
}

// relationsAt returns the database's cache for catalog version v,
// starting one if v is newer than the cache it has; nil if its cache is
// newer than v.
func (db *Database) relationsAt(v uint64) *relationCache {
	for {
		cur := db.relations.Load()
		if cur != nil && cur.version == v {
			return cur
		}
		if cur != nil && cur.version > v {
			return nil
		}
		next := &relationCache{version: v, byName: map[cachedName]*catalog.Descriptor{}, byID: map[uint32]*catalog.Descriptor{},
			layouts: map[*catalog.Descriptor]*engine.Layout{}}
		if db.relations.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// functionNamed reports whether a user function of some schema may be
// named name, as txn sees the catalog: false only when the cache of
// txn's catalog version knows no function has the name. It spares the
// planning of every built-in call the search path's lookups. The
// version read keeps a plan that relied on it versioned, so a later
// CREATE FUNCTION of the name replans it.
func (db *Database) functionNamed(txn *engine.Txn, name string) bool {
	if catalog.ChangedIn(txn) {
		return true
	}
	version, err := catalog.Version(txn)
	if err != nil {
		return true // the lookup itself reports it
	}
	c := db.relationsAt(version)
	if c == nil {
		return true
	}
	c.mu.RLock()
	names := c.funcNames
	c.mu.RUnlock()
	if names == nil {
		if names, err = catalog.FunctionNames(txn); err != nil {
			return true
		}
		c.mu.Lock()
		c.funcNames = names
		c.mu.Unlock()
	}
	_, ok := names[name]
	return ok
}
