package sql

import (
	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
)

// A session's cache of relations named by text (nextval('s'),
// stela_row_proof('t', ...), and the other functions that take a
// relation's name as a value): without it every call looks the name up
// and decodes the descriptor's JSON, a third of a verified read's cost.
// An entry holds while the catalog version the statement sees, the
// search_path and the name are those it was made with; DDL bumps the
// catalog version (catalog.BumpVersion), in this session's transaction
// or in another's commit. A transaction that changed the schema itself
// neither reads nor fills the cache: its catalog version may be rolled
// back, and the same number later name another schema. Descriptors are
// shared: callers only read them.

// relCacheEntry is one cached resolution.
type relCacheEntry struct {
	catalogVersion uint64
	searchPath     string
	desc           *catalog.Descriptor
	layout         *engine.Layout // made on first use (tableLayout)
}

// maxRelCache bounds the cache: a session naming many relations by text
// starts over rather than growing without end.
const maxRelCache = 256

// cachedRelation resolves a relation named by text through the cache;
// resolve does the lookup on a miss.
func (x *execCtx) cachedRelation(text string, resolve func() (*catalog.Descriptor, error)) (*catalog.Descriptor, error) {
	if catalog.ChangedIn(x.txn) {
		return resolve()
	}
	version, err := catalog.Version(x.txn)
	if err != nil {
		return nil, err
	}
	path, _ := x.sess.Setting("search_path")
	s := x.sess
	if e, ok := s.relCache[text]; ok && e.catalogVersion == version && e.searchPath == path {
		return e.desc, nil
	}
	d, err := resolve()
	if err != nil || d == nil {
		return d, err
	}
	if s.relCache == nil || len(s.relCache) >= maxRelCache {
		s.relCache = map[string]relCacheEntry{}
	}
	s.relCache[text] = relCacheEntry{catalogVersion: version, searchPath: path, desc: d}
	return d, nil
}

// tableLayout returns the layout of table d, named by text: cached with
// the relation when d came from the cache (building it was a tenth of a
// row proof's server time).
func (x *execCtx) tableLayout(text string, d *catalog.Descriptor) *engine.Layout {
	e, ok := x.sess.relCache[text]
	if !ok || e.desc != d {
		return catalog.Layout(d)
	}
	if e.layout == nil {
		e.layout = catalog.Layout(d)
		x.sess.relCache[text] = e
	}
	return e.layout
}
