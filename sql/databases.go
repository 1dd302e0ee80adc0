package sql

import (
	"context"
	"path/filepath"
	"time"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// CREATE, DROP and ALTER DATABASE at the engine level: the order of the
// steps on disk, in the system log and in the map of served databases.
// dbdirs.go states the invariant a crash between two steps must keep.

// forceWait is how long DROP DATABASE ... WITH (FORCE) waits for the
// sessions it terminated to end, as PostgreSQL's 5 seconds.
const forceWait = 5 * time.Second

// createDatabase creates a database and serves it. owner is the creating
// user ("" for the initial databases). The order:
//
//  1. open (create) its store in a new directory, then sync the
//     directory's parent so that the directory's entry is durable;
//  2. commit its system record: the commit point;
//  3. serve it.
//
// A crash after 1 leaves a directory without a record, which start-up
// moves aside. A failure of 2 is undone at once the same way.
func (e *Engine) createDatabase(ctx context.Context, name, owner string) error {
	e.ddlMu.Lock()
	defer e.ddlMu.Unlock()
	if _, err := e.sys.Database(name); err == nil {
		return pgerror.Newf(pgcode.DuplicateDatabase, "database \"%s\" already exists", name)
	} else if !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
		return err
	}
	rel, err := e.newDir(name)
	if err != nil {
		return err
	}
	rec := catalog.Database{Name: name, Dir: rel, Origin: "stela.local/" + filepath.Base(rel), Owner: owner}
	dir := filepath.Join(e.cfg.DataDir, rel)
	st, err := e.openStore(rec.Origin, dir)
	if err != nil {
		return err
	}
	if err = e.syncDir(filepath.Dir(dir)); err == nil {
		err = e.sys.CreateDatabase(ctx, rec)
	}
	if err != nil {
		_ = st.Close()
		if _, merr := e.moveAside(rel); merr != nil {
			e.log.Error().Err(merr).Str("dir", rel).Msg("could not move aside the directory of a database not created")
		}
		return err
	}
	e.mu.Lock()
	e.dbs[name] = e.newDatabase(name, st)
	e.mu.Unlock()
	e.log.Info().Str("db", name).Str("dir", rel).Msg("database created")
	return nil
}

// dropDatabase stops serving a database and moves its files aside. Other
// sessions on it make it fail with 55006, unless force, which ends them
// first. except is the session running the statement. The order:
//
//  1. take it out of the served map, once no other session uses it (or,
//     with force, after ending them): no new session can start on it;
//  2. delete its system record: the commit point;
//  3. close its store and move its directory to dropped/.
//
// A crash after 2 leaves a directory without a record, which start-up
// moves aside; a failure of 1 or 2 puts the database back in service.
func (e *Engine) dropDatabase(ctx context.Context, except *Session, name string, force bool) error {
	e.ddlMu.Lock()
	defer e.ddlMu.Unlock()
	rec, err := e.sys.Database(name)
	if err != nil {
		return err
	}
	d, err := e.takeDatabase(except, name, force)
	if err != nil {
		return err
	}
	restore := func() {
		if d != nil {
			e.mu.Lock()
			e.dbs[name] = d
			e.mu.Unlock()
		}
	}
	if err := e.sys.DropDatabase(ctx, name); err != nil {
		restore()
		return err
	}
	if d != nil {
		if err := d.Store.Close(); err != nil {
			e.log.Error().Err(err).Str("db", name).Msg("closing a dropped database's store failed")
		}
	}
	if _, err := e.fs.Stat(filepath.Join(e.cfg.DataDir, rec.Dir)); err != nil {
		return nil // nothing to move (its files were missing)
	}
	dst, err := e.moveAside(rec.Dir)
	if err != nil {
		// The drop is committed; start-up finishes the move.
		e.log.Error().Err(err).Str("db", name).Msg("could not move a dropped database's files aside")
		return nil
	}
	e.log.Info().Str("db", name).Str("moved_to", dst).Msg("database dropped")
	return nil
}

// takeDatabase takes a database out of the served map once no session
// other than except uses it, so that no new session can start on it. As
// PostgreSQL, it waits up to 5 s for other sessions to end before failing
// with 55006; with force it terminates them first. The database (nil if
// it was not served) is returned for the caller to put back on failure.
func (e *Engine) takeDatabase(except *Session, name string, force bool) (*Database, error) {
	deadline := time.Now().Add(forceWait)
	for {
		e.mu.Lock()
		d := e.dbs[name]
		others := e.sessionsLocked(except, func(s *Session) bool { return d != nil && s.db == d })
		if len(others) == 0 || force {
			delete(e.dbs, name)
			e.mu.Unlock()
			if len(others) == 0 {
				return d, nil
			}
			terminate(others)
			if left := e.waitGone(others, forceWait); left > 0 {
				e.mu.Lock()
				e.dbs[name] = d
				e.mu.Unlock()
				return nil, inUseError(name, left)
			}
			return d, nil
		}
		e.mu.Unlock()
		if time.Now().After(deadline) {
			return nil, inUseError(name, len(others))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// renameDatabase renames a database; its directory and log origin stay.
// It fails with 55006 while other sessions are connected to it, and 0A000
// for the database of the session running it, as in PostgreSQL. The
// record's rename is a single system transaction.
func (e *Engine) renameDatabase(ctx context.Context, sess *Session, from, to string) error {
	e.ddlMu.Lock()
	defer e.ddlMu.Unlock()
	if _, err := e.sys.Database(from); err != nil {
		return err
	}
	if _, err := e.sys.Database(to); err == nil {
		return pgerror.Newf(pgcode.DuplicateDatabase, "database \"%s\" already exists", to)
	} else if !pgerror.HasCode(err, pgcode.InvalidCatalogName) {
		return err
	}
	if sess != nil && sess.db.Name == from {
		return pgerror.New(pgcode.FeatureNotSupported, "current database cannot be renamed")
	}
	d, err := e.takeDatabase(sess, from, false)
	if err != nil {
		return err
	}
	if err := e.sys.RenameDatabase(ctx, from, to); err != nil {
		if d != nil {
			e.mu.Lock()
			e.dbs[from] = d
			e.mu.Unlock()
		}
		return err
	}
	if d != nil {
		e.mu.Lock()
		e.dbs[to] = &Database{Name: to, Store: d.Store, DB: d.DB, stats: d.stats}
		e.mu.Unlock()
	}
	e.log.Info().Str("db", from).Str("new_name", to).Msg("database renamed")
	return nil
}
