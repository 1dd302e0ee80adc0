package sql

import (
	"context"
	"time"

	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// Transaction states of a session, as PostgreSQL reports them in
// ReadyForQuery: none and implicit are 'I', explicit 'T', aborted 'E'.
const (
	txnNone     = iota // no transaction
	txnImplicit        // statements outside BEGIN: ends at Sync
	txnExplicit        // BEGIN ... COMMIT
	txnAborted         // an explicit transaction after an error: only ROLLBACK helps
)

// txnState is the transaction of a session. It has nothing to write yet
// (no tables until the relational engine lands); it already carries what
// PostgreSQL's transactions carry for settings: SET is undone by ROLLBACK,
// SET LOCAL ends with the transaction.
type txnState struct {
	state int
	// failed marks an implicit transaction that met an error: Sync rolls
	// it back.
	failed bool
	// isoLevel and ro are the transaction's characteristics ("" = the
	// session's default).
	isoLevel string
	ro       *bool
	start    time.Time
	// defaultIso and defaultRO are the session's defaults when the
	// transaction began.
	defaultIso string
	defaultRO  bool
	// base are the characteristics the transaction began with, before
	// BEGIN's options or SET TRANSACTION: the defaults, or those COMMIT
	// AND CHAIN carried over (txnstmt.go).
	base chainTraits

	// undo records, per setting changed in the transaction, its value
	// before the transaction (for ROLLBACK); local the values SET LOCAL
	// must restore at the end whatever happens.
	undo  map[string]savedVar
	local map[string]savedVar

	savepoints []savepoint

	// eng is the storage transaction, begun at the first statement that
	// reads or writes data (its snapshot is taken then, as PostgreSQL
	// takes a REPEATABLE READ snapshot at the first statement).
	eng *engine.Txn

	// afterCommit are changes to the system log a statement of the
	// transaction makes only once the database's transaction committed
	// (DROP OWNED's revocations: grants live in the system log, which
	// the database's transaction does not reach). ROLLBACK drops them,
	// ROLLBACK TO SAVEPOINT those made since the savepoint.
	afterCommit []func(ctx context.Context)

	// deferral holds the checks of DEFERRABLE foreign keys put off to
	// the commit, and SET CONSTRAINTS' modes (fk_deferred.go).
	deferral fkDeferral

	// dropAtCommit are the temporary tables made ON COMMIT DROP in the
	// transaction (temp.go).
	dropAtCommit []uint32

	// notifies are the notifications to send at the commit, in the
	// order queued, once each (notifySet) (notify.go).
	notifies  []pendingNotify
	notifySet map[pendingNotify]struct{}
}

type savedVar struct {
	val string
	had bool
}

type savepoint struct {
	name string
	// undo is the setting values at the savepoint.
	undo map[string]savedVar
	// eng is the storage transaction's state at the savepoint.
	eng engine.Savepoint
	// afterCommit is how many afterCommit changes were queued then.
	afterCommit int
	// deferral is the deferred checks and constraint modes then.
	deferral fkDeferral
	// notifies is how many notifications were queued then.
	notifies int
}

// status is the ReadyForQuery indicator.
func (t *txnState) status() byte {
	switch t.state {
	case txnExplicit:
		return 'T'
	case txnAborted:
		return 'E'
	}
	return 'I'
}

func (t *txnState) begin(s *Session, state int, now time.Time) {
	// As PostgreSQL, the session's defaults are read when the
	// transaction starts: a SET in the transaction applies to the next.
	iso, _ := s.Setting("default_transaction_isolation")
	ro, _ := s.Setting("default_transaction_read_only")
	t.defaultIso, t.defaultRO = iso, ro == "on"
	t.base = chainTraits{iso: t.defaultIso, ro: t.defaultRO}
	t.state = state
	t.failed = false
	t.start = now
	t.undo, t.local = nil, nil // made by the first SET (noteChange)
	t.savepoints = nil
	t.isoLevel, t.ro = "", nil
	t.eng = nil
	t.afterCommit = nil
	t.deferral = fkDeferral{}
	t.dropAtCommit = nil
	t.notifies, t.notifySet = nil, nil
}

// noteChange records a setting's value before a change, once per
// transaction (or savepoint) and, for SET LOCAL, to restore at the end.
// Outside a transaction, SET is immediate and final.
func (t *txnState) noteChange(key, old string, had, local bool) {
	if t.state == txnNone {
		return
	}
	if t.undo == nil {
		t.undo = map[string]savedVar{}
	}
	if _, ok := t.undo[key]; !ok {
		t.undo[key] = savedVar{old, had}
	}
	for i := range t.savepoints {
		sp := &t.savepoints[i]
		if _, ok := sp.undo[key]; !ok {
			sp.undo[key] = savedVar{old, had}
		}
	}
	if local {
		if t.local == nil {
			t.local = map[string]savedVar{}
		}
		if _, ok := t.local[key]; !ok {
			t.local[key] = savedVar{old, had}
		}
	} else {
		// A plain SET after a SET LOCAL outlives the transaction, as
		// in PostgreSQL.
		delete(t.local, key)
	}
}

// commit ends the transaction keeping its effects (but SET LOCAL ones).
// Its writes become one transaction of the log; if that fails (a
// conflict is 40001), the transaction is rolled back and the error
// returned.
func (t *txnState) commit(s *Session, ctx context.Context) error {
	if err := s.runDeferredChecks(ctx, nil); err != nil {
		t.rollback(s)
		return err
	}
	if err := s.persistCursors(ctx); err != nil {
		t.rollback(s)
		return err
	}
	if err := s.onCommitActions(ctx); err != nil {
		t.rollback(s)
		return err
	}
	if len(t.notifies) > 0 {
		if err := s.engine.notify.roomFor(s.db, t.notifies); err != nil {
			t.rollback(s)
			return err
		}
	}
	if t.eng != nil {
		c, err := t.eng.Commit(ctx)
		if err != nil {
			t.rollback(s)
			return err
		}
		if c.TxID != 0 {
			s.lastCommitTx = c.TxID
		}
	}
	s.cursorsCommitted()
	s.clearLocks()
	s.engine.advisory.release(s, true, false)
	for k, v := range t.local {
		s.restoreVar(k, v.val, v.had)
	}
	after, notifies := t.afterCommit, t.notifies
	t.state = txnNone
	t.undo, t.local, t.savepoints, t.eng, t.afterCommit = nil, nil, nil, nil, nil
	t.deferral = fkDeferral{}
	t.dropAtCommit = nil
	t.notifies, t.notifySet = nil, nil
	// The database's transaction is durable: what follows it must be
	// made even if the client goes away meanwhile.
	for _, fn := range after {
		fn(context.WithoutCancel(ctx))
	}
	// After the LISTENs of the transaction, as PostgreSQL registers
	// them before it sends: a session hears its own NOTIFY.
	if len(notifies) > 0 {
		s.engine.notify.send(s.db, s.pid, notifies)
	}
	return nil
}

// queueAfterCommit queues a change to make once the transaction
// commits. A statement always runs in a transaction, implicit or not
// (Session.Execute), so the commit comes.
func (t *txnState) queueAfterCommit(fn func(ctx context.Context)) {
	t.afterCommit = append(t.afterCommit, fn)
}

// afterCommitFailed tells of a change queued for after the commit that
// could not be made, though the transaction committed: a failure cannot
// be the statement's then, so it is logged and sent as a WARNING, with
// hint saying how to make the change again.
func (s *Session) afterCommitFailed(msg, hint string, err error) {
	s.log.Error().Err(err).Msg(msg)
	if s.OnNotice != nil {
		s.OnNotice(pgerror.Newf(pgcode.Warning, "%s: %v", msg, err).WithHint(hint).WithSeverity("WARNING"))
	}
}

// rollback ends the transaction undoing its effects.
func (t *txnState) rollback(s *Session) {
	s.cursorsRolledBack(-1)
	s.clearLocks()
	s.engine.advisory.release(s, true, false)
	if t.eng != nil {
		t.eng.Rollback()
	}
	for k, v := range t.undo {
		s.restoreVar(k, v.val, v.had)
	}
	t.state = txnNone
	t.undo, t.local, t.savepoints, t.eng, t.afterCommit = nil, nil, nil, nil, nil
	t.deferral = fkDeferral{}
	t.dropAtCommit = nil
	t.notifies, t.notifySet = nil, nil
}

// storage returns the transaction's storage transaction, beginning it.
func (s *Session) storage() (*engine.Txn, error) {
	t := &s.txn
	if t.eng != nil {
		return t.eng, nil
	}
	opts := engine.TxnOptions{ReadOnly: t.readOnly(s), MaxWriteMemory: s.txnMemory(), Owner: s}
	if t.isolation(s) == "serializable" {
		opts.Isolation = engine.Serializable
	}
	asOf, err := s.sessionAsOf()
	if err != nil {
		return nil, err
	}
	opts.AsOf = asOf // read-only then (asof.go)
	eng, err := s.db.DB.Begin(opts)
	if err != nil {
		return nil, err
	}
	if t.state == txnNone {
		// Planning outside any transaction (a Parse message): a read-only
		// transaction that is thrown away.
		return eng, nil
	}
	t.eng = eng
	return eng, nil
}

func (t *txnState) isolation(s *Session) string {
	if t.state != txnNone {
		if t.isoLevel != "" {
			return t.isoLevel
		}
		return t.defaultIso
	}
	v, _ := s.Setting("default_transaction_isolation")
	return v
}

func (t *txnState) readOnly(s *Session) bool {
	if t.state != txnNone {
		if t.ro != nil {
			return *t.ro
		}
		return t.defaultRO
	}
	v, _ := s.Setting("default_transaction_read_only")
	return v == "on"
}

// TxStatus is the transaction status for ReadyForQuery: 'I' idle, 'T' in
// a transaction block, 'E' in a failed transaction block.
func (s *Session) TxStatus() byte { return s.txn.status() }

// Fail tells the session that an error was reported to the client. In a
// transaction block the block is aborted until ROLLBACK; an implicit
// transaction is rolled back at Sync.
func (s *Session) Fail() {
	switch s.txn.state {
	case txnExplicit:
		// As PostgreSQL's AbortTransaction/AbortSubTransaction: settings
		// changed since the innermost savepoint (or BEGIN) are undone at
		// the error, not only at ROLLBACK.
		undo := s.txn.undo
		if n := len(s.txn.savepoints); n > 0 {
			undo = s.txn.savepoints[n-1].undo
		}
		for k, v := range undo {
			s.restoreVar(k, v.val, v.had)
		}
		s.txn.state = txnAborted
	case txnImplicit:
		s.txn.failed = true
	}
}

// Sync ends an implicit transaction: committed if every statement
// succeeded, rolled back otherwise. It is called at the end of a simple
// Query message and at each Sync of the extended protocol; the error of
// a failed commit (40001, a full disk) is for the client.
func (s *Session) Sync(ctx context.Context) error {
	if s.txn.state == txnImplicit {
		if s.txn.failed {
			s.txn.rollback(s)
		} else {
			return s.txn.commit(s, ctx)
		}
	}
	return nil
}

// errInFailedTxn is PostgreSQL's answer to statements in an aborted block.
var errInFailedTxn = pgerror.New(pgcode.InFailedSQLTransaction,
	"current transaction is aborted, commands ignored until end of transaction block")
