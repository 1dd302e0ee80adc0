package sql

import (
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
)

// txnPlan is BEGIN, COMMIT, ROLLBACK and the savepoint statements.
type txnPlan struct {
	n *pg_query.TransactionStmt
}

func (s *Session) planTxn(n *pg_query.TransactionStmt) (plan, error) {
	switch n.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_PREPARE, pg_query.TransactionStmtKind_TRANS_STMT_COMMIT_PREPARED,
		pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_PREPARED:
		return nil, pgerror.New(pgcode.FeatureNotSupported, "prepared transactions (two-phase commit) are not supported")
	}
	return &txnPlan{n: n}, nil
}

func (p *txnPlan) run(s *Session, ec *expr.Context) (Result, error) {
	t := &s.txn
	switch p.n.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
		tag := "BEGIN"
		if p.n.Kind == pg_query.TransactionStmtKind_TRANS_STMT_START {
			tag = "START TRANSACTION"
		}
		switch t.state {
		case txnExplicit:
			s.notice("WARNING", pgcode.ActiveSQLTransaction, "there is already a transaction in progress")
		case txnImplicit:
			// BEGIN inside a multi-statement query: the implicit block
			// becomes an explicit one, as in PostgreSQL.
			t.state = txnExplicit
		default:
			t.begin(s, txnExplicit, time.Now())
		}
		if err := s.applyTxnOptions(p.n.Options); err != nil {
			return nil, err
		}
		return &tagResult{tag: tag}, nil

	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT:
		if err := p.checkChain(t, "COMMIT AND CHAIN"); err != nil {
			return nil, err
		}
		chain := t.chained()
		switch t.state {
		case txnAborted:
			t.rollback(s)
			p.chain(s, chain)
			return &tagResult{tag: "ROLLBACK"}, nil
		case txnExplicit:
			if err := t.commit(s, ec.Ctx); err != nil {
				return nil, err
			}
			p.chain(s, chain)
		case txnImplicit:
			// PostgreSQL warns, and ends the implicit transaction of a
			// multi-statement Query or a pipeline here: what came before
			// in it is committed.
			s.notice("WARNING", pgcode.NoActiveSQLTransaction, "there is no transaction in progress")
			if err := t.commit(s, ec.Ctx); err != nil {
				return nil, err
			}
		default:
			s.notice("WARNING", pgcode.NoActiveSQLTransaction, "there is no transaction in progress")
		}
		return &tagResult{tag: "COMMIT"}, nil

	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		if err := p.checkChain(t, "ROLLBACK AND CHAIN"); err != nil {
			return nil, err
		}
		chain := t.chained()
		switch t.state {
		case txnAborted, txnExplicit:
			t.rollback(s)
			p.chain(s, chain)
		case txnImplicit:
			// As COMMIT: what came before in the implicit transaction is
			// rolled back, as PostgreSQL rolls it back.
			s.notice("WARNING", pgcode.NoActiveSQLTransaction, "there is no transaction in progress")
			t.rollback(s)
		default:
			s.notice("WARNING", pgcode.NoActiveSQLTransaction, "there is no transaction in progress")
		}
		return &tagResult{tag: "ROLLBACK"}, nil

	case pg_query.TransactionStmtKind_TRANS_STMT_SAVEPOINT:
		if t.state != txnExplicit {
			if t.state == txnAborted {
				return nil, errInFailedTxn
			}
			return nil, pgerror.New(pgcode.NoActiveSQLTransaction, "SAVEPOINT can only be used in transaction blocks")
		}
		eng, err := s.storage()
		if err != nil {
			return nil, err
		}
		t.savepoints = append(t.savepoints, savepoint{name: p.n.SavepointName, undo: map[string]savedVar{}, eng: eng.Savepoint(), afterCommit: len(t.afterCommit),
			deferral: t.deferral.copy(), notifies: len(t.notifies)})
		return &tagResult{tag: "SAVEPOINT"}, nil

	case pg_query.TransactionStmtKind_TRANS_STMT_RELEASE:
		i, err := s.findSavepoint(p.n.SavepointName, "RELEASE SAVEPOINT")
		if err != nil {
			return nil, err
		}
		t.savepoints = t.savepoints[:i]
		s.cursorsReleased(i)
		s.engine.advisory.releaseSavepoint(s, i)
		return &tagResult{tag: "RELEASE"}, nil

	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		i, err := s.findSavepoint(p.n.SavepointName, "ROLLBACK TO SAVEPOINT")
		if err != nil {
			if t.state == txnAborted {
				// The block stays aborted; PostgreSQL reports the
				// missing savepoint all the same.
				return nil, err
			}
			return nil, err
		}
		sp := t.savepoints[i]
		for k, v := range sp.undo {
			s.restoreVar(k, v.val, v.had)
		}
		if t.eng != nil {
			t.eng.RollbackTo(sp.eng)
		}
		t.afterCommit = t.afterCommit[:sp.afterCommit]
		t.notifiesRolledBack(sp.notifies)
		t.deferral = sp.deferral.copy()
		// The savepoint stays; later ones go, and so do the cursors
		// declared since it was set.
		s.cursorsRolledBack(i)
		s.engine.advisory.rollbackTo(s, i+1)
		t.savepoints = t.savepoints[:i+1]
		t.savepoints[i].undo = map[string]savedVar{}
		t.state = txnExplicit
		return &tagResult{tag: "ROLLBACK"}, nil
	}
	return nil, pgerror.Newf(pgcode.FeatureNotSupported, "transaction statement %s is not supported", p.n.Kind)
}

// checkChain refuses AND CHAIN outside a transaction block (an implicit
// transaction, of a multi-statement query, is not one), as PostgreSQL
// does, where a plain COMMIT only warns.
func (p *txnPlan) checkChain(t *txnState, what string) error {
	if p.n.Chain && t.state != txnExplicit && t.state != txnAborted {
		return pgerror.Newf(pgcode.NoActiveSQLTransaction, "%s can only be used in transaction blocks", what)
	}
	return nil
}

// chainTraits are the characteristics AND CHAIN gives the next
// transaction: those the ended one ran with.
type chainTraits struct {
	iso string
	ro  bool
}

// chained returns the transaction's characteristics as AND CHAIN carries
// them over: the ones it ran with, not the session's defaults as a SET in
// it left them. An aborted transaction carries those it began with (the
// defaults, or what a chain gave it): in PostgreSQL the error undid its
// BEGIN's and SET TRANSACTION's settings, which are settings like any
// other, but not what the chain restored.
func (t *txnState) chained() chainTraits {
	c := t.base
	if t.state == txnAborted {
		return c
	}
	if t.isoLevel != "" {
		c.iso = t.isoLevel
	}
	if t.ro != nil {
		c.ro = *t.ro
	}
	return c
}

// chain begins, for AND CHAIN, a transaction block with c's
// characteristics once the last one has ended.
func (p *txnPlan) chain(s *Session, c chainTraits) {
	if !p.n.Chain {
		return
	}
	t := &s.txn
	t.begin(s, txnExplicit, time.Now())
	t.isoLevel, t.ro = c.iso, &c.ro
	t.base = c
}

// findSavepoint returns the index of the newest savepoint of that name.
func (s *Session) findSavepoint(name, stmt string) (int, error) {
	t := &s.txn
	if t.state != txnExplicit && t.state != txnAborted {
		return 0, pgerror.Newf(pgcode.NoActiveSQLTransaction, "%s can only be used in transaction blocks", stmt)
	}
	for i := len(t.savepoints) - 1; i >= 0; i-- {
		if t.savepoints[i].name == name {
			return i, nil
		}
	}
	return 0, pgerror.Newf(pgcode.InvalidSavepointSpecification, "savepoint \"%s\" does not exist", name)
}
