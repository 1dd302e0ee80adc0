package sql

import (
	"context"
	"fmt"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/kv"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Temporary relations. A session's temporary tables, views and
// sequences are ordinary relations of its own schema pg_temp_N (N its
// backend pid, unique among the server's sessions; catalog/temp.go),
// made in the session's transaction the first time it creates one. Their
// rows go through the engine and the database's log like any other
// table's: they are provable and readable AS OF while they exist, and
// stay in the log after the drop as a dropped table's do. (An in-memory
// store that keeps them out of the log is future work.)
//
// What makes them temporary is the session: its search path holds its
// temp schema first (unless search_path names pg_temp elsewhere), no
// other session searches it or reads from it, and the session drops the
// schema when it ends (Close), in a transaction of its own. A server that
// stopped before its sessions ended drops the temp schemas left when it
// opens the database again (dropLeftoverTemp), and a session given the
// number of one left over drops it before making its own.

// tempState is what a session knows of its temporary relations.
type tempState struct {
	// used is set once the session has made its temp schema: from then
	// on the search path holds it. A rolled back creation leaves it set,
	// which costs a look for a schema that is not there.
	used bool
	// deleteRows are the tables made ON COMMIT DELETE ROWS, by id.
	deleteRows map[uint32]bool
}

// tempSchemaName is the name of the session's temp schema.
func (s *Session) tempSchemaName() string { return catalog.TempSchemaName(s.pid) }

// isTempSchemaID reports whether schema id is a temp schema (the
// session's or another's).
func isTempSchemaID(txn *engine.Txn, id uint32) (bool, error) {
	sc, err := catalog.Get(txn, id)
	if err != nil || sc == nil {
		return false, err
	}
	return catalog.IsTempSchema(sc.Name), nil
}

// tempSchema returns the session's temp schema, making it in the
// transaction when it has none. A schema of the same name that the
// session did not make is one a crashed server left: it is dropped
// first, with everything in it.
func (x *execCtx) tempSchema() (*catalog.Descriptor, error) {
	s := x.sess
	name := s.tempSchemaName()
	d, err := catalog.Lookup(x.txn, 0, name)
	if err != nil {
		return nil, err
	}
	if d != nil && !s.temp.used {
		if err := x.dropTempObjects(d, false); err != nil {
			return nil, err
		}
		d = nil
	}
	if d == nil {
		id, err := catalog.NewID(x.txn)
		if err != nil {
			return nil, err
		}
		d = &catalog.Descriptor{Kind: catalog.KindSchema, ID: id, Name: name, Owner: s.user}
		if err := catalog.Put(x.txn, d); err != nil {
			return nil, err
		}
	}
	s.temp.used = true
	return d, nil
}

// creationSchema is the schema CREATE puts relation rv in: the session's
// temp schema for TEMP, a name qualified by pg_temp or an unqualified
// name when pg_temp comes first in the search path (tempFirst), else the
// named schema or the search path's first. A temporary relation in
// another schema is refused as PostgreSQL's
// RangeVarAdjustRelationPersistence refuses it.
func (x *execCtx) creationSchema(rv *pg_query.RangeVar) (*catalog.Descriptor, error) {
	sn := rv.Schemaname
	own := sn == catalog.TempSchemaAlias || (sn != "" && sn == x.sess.tempSchemaName() && x.sess.temp.used)
	if sn == "" && rv.Relpersistence != "t" {
		first, err := x.sess.tempFirst(x.txn)
		if err != nil {
			return nil, err
		}
		own = first
	}
	if sn != "" && !own && catalog.IsTempSchema(sn) {
		if _, err := x.sess.schemaFor(x.txn, sn); err != nil {
			return nil, err
		}
		return nil, pgerror.New(pgcode.InvalidTableDefinition, "cannot create relations in temporary schemas of other sessions").
			WithPosition(int(rv.Location) + 1)
	}
	if rv.Relpersistence != "t" && !own {
		return x.sess.schemaFor(x.txn, sn)
	}
	if sn != "" && !own {
		if _, err := x.sess.schemaFor(x.txn, sn); err != nil {
			return nil, err
		}
		return nil, pgerror.New(pgcode.InvalidTableDefinition, "cannot create temporary relation in non-temporary schema").
			WithPosition(int(rv.Location) + 1)
	}
	return x.tempSchema()
}

// isTempCreate reports whether CREATE makes rv a temporary relation:
// TEMP, a name in pg_temp, or an unqualified name when pg_temp comes
// first in the search path.
func (s *Session) isTempCreate(txn *engine.Txn, rv *pg_query.RangeVar) (bool, error) {
	if rv == nil {
		return false, nil
	}
	if rv.Relpersistence == "t" || rv.Schemaname == catalog.TempSchemaAlias || catalog.IsTempSchema(rv.Schemaname) {
		return true, nil
	}
	if rv.Schemaname != "" {
		return false, nil
	}
	return s.tempFirst(txn)
}

// checkOnCommit refuses ON COMMIT on a table that is not temporary: one
// whose schema is not the session's temp schema.
func checkOnCommit(schema *catalog.Descriptor, oc pg_query.OnCommitAction) error {
	if oc != pg_query.OnCommitAction_ONCOMMIT_NOOP && oc != pg_query.OnCommitAction_ON_COMMIT_ACTION_UNDEFINED && !catalog.IsTempSchema(schema.Name) {
		return pgerror.New(pgcode.InvalidTableDefinition, "ON COMMIT can only be used on temporary tables")
	}
	return nil
}

// noteOnCommit remembers what the end of the transaction does to a new
// temporary table: DROP at this transaction's commit, DELETE ROWS at
// every commit.
func (x *execCtx) noteOnCommit(id uint32, oc pg_query.OnCommitAction) {
	s := x.sess
	switch oc {
	case pg_query.OnCommitAction_ONCOMMIT_DROP:
		s.txn.dropAtCommit = append(s.txn.dropAtCommit, id)
	case pg_query.OnCommitAction_ONCOMMIT_DELETE_ROWS:
		if s.temp.deleteRows == nil {
			s.temp.deleteRows = map[uint32]bool{}
		}
		s.temp.deleteRows[id] = true
	}
}

// usesTempRelation reports whether any of ids (what a view reads) is a
// temporary relation: the view must then be temporary too.
func (x *execCtx) usesTempRelation(ids []uint32) (bool, error) {
	for _, id := range ids {
		d, err := catalog.Get(x.txn, id)
		if err != nil {
			return false, err
		}
		if d == nil {
			continue
		}
		if temp, err := isTempSchemaID(x.txn, d.Schema); err != nil || temp {
			return temp, err
		}
	}
	return false, nil
}

// dropTempObjects drops everything in temp schema sc, as DROP SCHEMA
// ... CASCADE would, without notices; keepSchema keeps the schema itself
// (DISCARD TEMP, as PostgreSQL's).
func (x *execCtx) dropTempObjects(sc *catalog.Descriptor, keepSchema bool) error {
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	ds := g.newDropSet()
	ds.add(sc)
	ds.expand()
	if keepSchema {
		kept := ds.objs[:0]
		for _, d := range ds.objs {
			if d.ID != sc.ID {
				kept = append(kept, d)
			}
		}
		ds.objs = kept
	}
	return x.quietly(ds.apply)
}

// dropRelationQuietly drops a relation and what depends on it, without
// notices (ON COMMIT DROP).
func (x *execCtx) dropRelationQuietly(d *catalog.Descriptor) error {
	g, err := x.depGraph()
	if err != nil {
		return err
	}
	ds := g.newDropSet()
	if o := g.byID[d.ID]; o != nil {
		d = o
	}
	ds.add(d)
	ds.expand()
	return x.quietly(ds.apply)
}

// quietly runs fn with the session's notices off: the drops of temporary
// relations the session makes by itself tell the client nothing, as
// PostgreSQL's.
func (x *execCtx) quietly(fn func() error) error {
	saved := x.sess.OnNotice
	x.sess.OnNotice = nil
	defer func() { x.sess.OnNotice = saved }()
	return fn()
}

// discardTemp drops the session's temporary relations (DISCARD TEMP and
// ALL) in the statement's transaction.
func (s *Session) discardTemp(ec *expr.Context) error {
	if !s.temp.used {
		return nil
	}
	x, err := s.newExecCtx(ec)
	if err != nil {
		return err
	}
	sc, err := catalog.Lookup(x.txn, 0, s.tempSchemaName())
	if err != nil || sc == nil {
		return err
	}
	if err := x.dropTempObjects(sc, true); err != nil {
		return err
	}
	s.temp.deleteRows = nil
	s.txn.dropAtCommit = nil
	return catalog.BumpVersion(x.txn)
}

// onCommitActions runs, before the transaction's commit, what ON COMMIT
// asked of the session's temporary tables: the DROP tables made in the
// transaction go, and the DELETE ROWS tables it wrote lose their rows.
// The rows are deleted key by key (rows and index entries alike, all
// under the table's storage prefix) rather than truncated: a truncate
// changes the catalog, which would make every commit of the session a
// schema change that other sessions' DDL conflicts with.
func (s *Session) onCommitActions(ctx context.Context) error {
	t := &s.txn
	if t.eng == nil || (len(t.dropAtCommit) == 0 && len(s.temp.deleteRows) == 0) {
		return nil
	}
	ec := &expr.Context{Ctx: ctx, Session: s, TxTime: t.start, StatementTime: t.start, Args: &s.args}
	x := s.statementCtx(ec, t.eng)
	ec.Catalog = regCatalog{}
	dropped := false
	for _, id := range t.dropAtCommit {
		d, err := catalog.Get(x.txn, id)
		if err != nil {
			return err
		}
		if d == nil {
			continue // dropped already, or its creation rolled back
		}
		if err := x.dropRelationQuietly(d); err != nil {
			return err
		}
		dropped = true
	}
	t.dropAtCommit = nil
	for id := range s.temp.deleteRows {
		d, err := catalog.Get(x.txn, id)
		if err != nil {
			return err
		}
		if d == nil || d.Kind != catalog.KindTable {
			// Dropped. Its creation may be the transaction's own, rolled
			// back to a savepoint: the id is never used again either way.
			delete(s.temp.deleteRows, id)
			continue
		}
		if err := deleteAllRows(x.txn, d); err != nil {
			return err
		}
	}
	if dropped {
		return catalog.BumpVersion(x.txn)
	}
	return nil
}

// deleteAllRows deletes every row and index entry of table d that the
// transaction wrote; a table it did not write is left alone (ON COMMIT
// DELETE ROWS tables have no rows from earlier transactions).
func deleteAllRows(txn *engine.Txn, d *catalog.Descriptor) error {
	if !txn.WroteTable(catalog.Layout(d)) {
		return nil
	}
	it, err := txn.Scan(kv.PrefixRange(engine.TablePrefix(d.StorageID())), false)
	if err != nil {
		return err
	}
	var keys [][]byte
	for it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// inOwnTxn runs fn in a transaction of its own and commits it, retrying
// a few times when the commit conflicts (40001) with another session's
// schema change. The session must have no transaction open.
func (s *Session) inOwnTxn(ctx context.Context, fn func(x *execCtx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.runOwnTxn(ctx, fn); !pgerror.HasCode(err, pgcode.SerializationFailure) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return err
}

func (s *Session) runOwnTxn(ctx context.Context, fn func(x *execCtx) error) (err error) {
	s.txn.begin(s, txnImplicit, time.Now())
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
		if s.txn.state != txnNone {
			s.txn.rollback(s)
		}
	}()
	ec := &expr.Context{Ctx: ctx, Session: s, TxTime: s.txn.start, StatementTime: s.txn.start, Args: &s.args}
	x, err := s.newExecCtx(ec)
	if err != nil {
		return err
	}
	if err := fn(x); err != nil {
		return err
	}
	if !x.txn.HasWrites() {
		return nil
	}
	if err := catalog.BumpVersion(x.txn); err != nil {
		return err
	}
	return s.txn.commit(s, ctx)
}

// dropTempAtClose drops the session's temp schema as the session ends.
// A failure is logged: the schema is then dropped when the database is
// next opened, or by the next session given the same number.
func (s *Session) dropTempAtClose() {
	if !s.temp.used {
		return
	}
	s.OnNotice = nil
	err := s.inOwnTxn(context.Background(), func(x *execCtx) error {
		sc, err := catalog.Lookup(x.txn, 0, s.tempSchemaName())
		if err != nil || sc == nil {
			return err
		}
		return x.dropTempObjects(sc, false)
	})
	if err != nil {
		s.log.Error().Err(err).Str("schema", s.tempSchemaName()).Msg("dropping the temporary schema of an ended session failed")
	}
}

// dropLeftoverTemp drops the temp schemas a server that stopped with
// sessions open left in a database: no session has them now.
func (e *Engine) dropLeftoverTemp(db *Database) error {
	txn, err := db.DB.Begin(engine.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	schemas, err := catalog.TempSchemas(txn)
	txn.Rollback()
	if err != nil || len(schemas) == 0 {
		return err
	}
	s := newSession(e, db, AdminUser, true, 0, e.log)
	err = s.inOwnTxn(context.Background(), func(x *execCtx) error {
		for _, left := range schemas {
			sc, err := catalog.Get(x.txn, left.ID)
			if err != nil {
				return err
			}
			if sc != nil {
				if err := x.dropTempObjects(sc, false); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		e.log.Info().Str("db", db.Name).Int("schemas", len(schemas)).Msg("dropped temporary schemas left by sessions of an earlier run")
	}
	return err
}
