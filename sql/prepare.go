package sql

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Column describes a result column, as RowDescription reports it.
type Column struct {
	Name     string
	Type     *types.T
	TableOID uint32 // 0 when the column is not a table's
	AttNum   int16
}

// Prepared is a planned statement: its parameter and result types are
// known, and it can run any number of times with different parameters.
type Prepared struct {
	SQL        string
	ParamTypes []*types.T
	// Columns is nil for statements that return no rows.
	Columns []Column
	// Copy is set for COPY FROM STDIN and COPY TO STDOUT, which the wire
	// layer runs with the copy sub-protocol (copy_plan.go).
	Copy *CopyInfo
	plan plan
	// stmt, paramOIDs and simple are kept to plan again after a schema
	// change; catalogVersion is the catalog version planned against
	// (versioned: the plan depends on the catalog).
	stmt           parser.Statement
	paramOIDs      []uint32
	simple         bool
	catalogVersion uint64
	versioned      bool
	// txnControl marks COMMIT, ROLLBACK and ROLLBACK TO: the statements
	// an aborted transaction block still accepts.
	txnControl bool
	// binary marks the FETCH of a BINARY cursor, whose rows a simple
	// Query sends in binary format.
	binary bool
	// needs are the privileges checked before each run (privileges.go).
	needs []privNeed
	// prepareTime is when the statement was prepared (the Parse message,
	// or the statement time of SQL PREPARE), and runs counts its
	// executions: pg_prepared_statements shows both.
	prepareTime time.Time
	runs        int64
	// began is when prepare began the implicit transaction the statement
	// runs in (simpleBeginsEarly): its statement time.
	began time.Time
}

// SourceText is the query string the statement came from: the whole
// string of its Query or Parse message, as PostgreSQL keeps it for
// pg_prepared_statements and pg_cursors.
func (p *Prepared) SourceText() string { return p.stmt.Full }

// BinaryResult reports whether a simple Query sends the statement's rows
// in binary format (FETCH from a cursor declared BINARY).
func (p *Prepared) BinaryResult() bool { return p.binary }

// ExitsTransaction reports whether the statement ends a transaction block
// (COMMIT, ROLLBACK, ROLLBACK TO SAVEPOINT): the statements an aborted
// block still accepts, as PostgreSQL's IsTransactionExitStmt.
func (p *Prepared) ExitsTransaction() bool { return p.txnControl }

// plan is an executable statement.
type plan interface {
	run(s *Session, ec *expr.Context) (Result, error)
}

// Result is what a statement produced: rows, pulled one at a time, then a
// command tag.
type Result interface {
	// Next returns the next row, or nil at the end.
	Next(ctx context.Context) ([]types.Datum, error)
	// Tag is the CommandComplete tag, valid once Next returned nil.
	Tag() string
	Close()
}

// PrepareSimple plans a statement of a simple Query message, which cannot
// carry parameters: $n is an error (42P02) pointing at it.
func (s *Session) PrepareSimple(stmt parser.Statement) (*Prepared, error) {
	return s.prepare(stmt, nil, true)
}

// Prepare plans one statement. paramTypes are the parameter type OIDs the
// client gave (0 or missing: infer from context).
func (s *Session) Prepare(stmt parser.Statement, paramTypes []uint32) (*Prepared, error) {
	return s.prepare(stmt, paramTypes, false)
}

func (s *Session) prepare(stmt parser.Statement, paramTypes []uint32, simple bool) (*Prepared, error) {
	p := &Prepared{SQL: stmt.SQL, stmt: stmt, paramOIDs: paramTypes, simple: simple, prepareTime: time.Now()}
	p.txnControl = isTxnControl(stmt.AST)
	if s.txn.state == txnAborted && !p.txnControl {
		return nil, errInFailedTxn
	}
	if simple && s.txn.state == txnNone && simpleBeginsEarly(stmt.AST) {
		p.began = time.Now()
		s.txn.begin(s, txnImplicit, p.began)
	}
	if err := s.plan(p); err != nil {
		return nil, positioned(err, stmt)
	}
	return p, nil
}

// plan plans (or plans again) a prepared statement.
func (s *Session) plan(p *Prepared) error {
	params, err := s.newParamTypes(p.paramOIDs)
	if err != nil {
		return err
	}
	params.NoParams = p.simple
	if s.txn.state != txnNone {
		s.FormatSettings().Now = s.txn.start
	} else {
		s.FormatSettings().Now = time.Now()
	}
	switch n := p.stmt.AST.Node.(type) {
	case *pg_query.Node_VariableSetStmt:
		p.plan, err = s.planSet(n.VariableSetStmt)
	case *pg_query.Node_ConstraintsSetStmt:
		p.plan = &setConstraintsPlan{n: n.ConstraintsSetStmt} // set_constraints.go
	case *pg_query.Node_VariableShowStmt:
		err = s.planShow(p, n.VariableShowStmt)
	case *pg_query.Node_TransactionStmt:
		p.plan, err = s.planTxn(n.TransactionStmt)
	case *pg_query.Node_FetchStmt:
		p.plan = s.planFetch(p, n.FetchStmt)
	case *pg_query.Node_ClosePortalStmt:
		p.plan = &closePlan{name: n.ClosePortalStmt.Portalname}
	case *pg_query.Node_PrepareStmt:
		p.plan, err = s.planPrepare(p, n.PrepareStmt)
	case *pg_query.Node_DeallocateStmt:
		p.plan = &deallocatePlan{name: n.DeallocateStmt.Name}
	case *pg_query.Node_DiscardStmt:
		p.plan = &discardPlan{target: n.DiscardStmt.Target}
	case *pg_query.Node_ListenStmt, *pg_query.Node_UnlistenStmt, *pg_query.Node_NotifyStmt:
		p.plan = planNotifyStmt(p.stmt.AST) // notify.go
	default:
		if p.plan, err = s.planAdmin(p.stmt.AST); err == nil && p.plan == nil {
			err = s.planWithCatalog(p, params)
		}
	}
	if err != nil {
		return err
	}
	p.ParamTypes, err = params.Final()
	return err
}

// planWithCatalog plans a statement that reads the catalog, in the
// session's transaction (or, outside one, a snapshot that is thrown
// away), and notes the catalog version it saw.
func (s *Session) planWithCatalog(p *Prepared, params *expr.ParamTypes) error {
	txn, err := s.storage()
	if err != nil {
		return err
	}
	if s.txn.eng != txn {
		defer txn.Rollback()
	}
	if p.catalogVersion, err = catalog.Version(txn); err != nil {
		return err
	}
	reads := txn.Reads()
	pl := &planner{s: s, txn: txn, params: params}
	pl.attachTimeTravel(p.stmt)
	pl.sysCols = wantsSystemColumns(p.stmt.AST, p.stmt.SQL)
	pl.topWith = topLevelWith(p.stmt.AST)
	switch n := p.stmt.AST.Node.(type) {
	case *pg_query.Node_SelectStmt:
		err = s.planSelect(p, pl, n.SelectStmt)
	case *pg_query.Node_CreateStmt:
		p.plan, err = s.planCreateTable(n.CreateStmt)
	case *pg_query.Node_CreateTableAsStmt:
		p.plan, err = pl.planCreateAs(n.CreateTableAsStmt)
	case *pg_query.Node_RefreshMatViewStmt:
		p.plan, err = pl.planRefresh(n.RefreshMatViewStmt)
	default:
		if p.plan, err = pl.planStatement(p); err == nil && p.plan == nil {
			err = notSupported(p.stmt)
		}
	}
	if err == nil {
		err = pl.checkTimeTravelUsed()
	}
	if err == nil {
		pl.ddlNeeds(p.stmt.AST)
	}
	p.needs = pl.needs
	// A plan that looked nothing up (SELECT 1, SELECT $1::int) does not
	// depend on the catalog: executing it needs no version check.
	p.versioned = txn.Reads() != reads
	return err
}

// replanIfStale plans a prepared statement again when the catalog changed
// since it was planned; as PostgreSQL, a plan whose result columns would
// change is refused.
func (s *Session) replanIfStale(p *Prepared, txn *engine.Txn) error {
	v, err := catalog.Version(txn)
	if err != nil || v == p.catalogVersion {
		return err
	}
	oldCols, oldParams, declared := p.Columns, p.ParamTypes, p.paramOIDs
	// As in PostgreSQL, the parameters keep the types the first planning
	// gave them: a column whose type changed takes $1 by assignment.
	fixed := make([]uint32, len(oldParams))
	for i, t := range oldParams {
		fixed[i] = uint32(t.Oid)
	}
	p.paramOIDs = fixed
	err = s.plan(p)
	p.paramOIDs = declared
	if err != nil {
		return err
	}
	if !sameColumns(oldCols, p.Columns) {
		return pgerror.New(pgcode.FeatureNotSupported, "cached plan must not change result type")
	}
	if len(oldParams) != len(p.ParamTypes) {
		return pgerror.New(pgcode.FeatureNotSupported, "cached plan must not change parameter types")
	}
	for i := range oldParams {
		if oldParams[i].Oid != p.ParamTypes[i].Oid {
			return pgerror.New(pgcode.FeatureNotSupported, "cached plan must not change parameter types")
		}
	}
	return nil
}

// sameColumns reports whether two result descriptions agree on names and
// types.
func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || !a[i].Type.Equal(b[i].Type) {
			return false
		}
	}
	return true
}

// newParamTypes starts the parameter types from the client's OIDs: a
// built-in type's, or one of the database's own (an enum).
func (s *Session) newParamTypes(oids []uint32) (*expr.ParamTypes, error) {
	pt := &expr.ParamTypes{}
	for i, oid := range oids {
		if oid == 0 {
			continue
		}
		t, ok := types.ByOid(oid)
		if !ok && oid >= catalog.FirstUserID {
			txn, err := s.storage()
			if err != nil {
				return nil, err
			}
			if t, ok, err = catalog.TypeByOid(txn, oid); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, pgerror.Newf(pgcode.UndefinedObject, "type with OID %d does not exist", oid).WithDetail("parameter $" + strconv.Itoa(i+1))
		}
		pt.Set(i+1, t)
	}
	pt.Declared = len(oids)
	return pt, nil
}

// Execute runs a prepared statement with its parameters, inside the
// session's transaction (an implicit one if none is open).
func (s *Session) Execute(ctx context.Context, p *Prepared, params []types.Datum) (Result, error) {
	if s.txn.state == txnAborted && !p.txnControl {
		return nil, errInFailedTxn
	}
	now := time.Now()
	if !p.began.IsZero() {
		now, p.began = p.began, time.Time{}
	}
	if s.txn.state == txnNone && !p.txnControl {
		s.txn.begin(s, txnImplicit, now)
	}
	if p.versioned {
		txn, err := s.storage()
		if err != nil {
			return nil, err
		}
		if err := s.replanIfStale(p, txn); err != nil {
			return nil, err
		}
	}
	if err := s.checkNeeds(p.needs); err != nil {
		return nil, err
	}
	ec := &expr.Context{Ctx: ctx, Session: s, Params: params, StatementTime: now, TxTime: s.txn.start, Args: &s.args}
	if ec.TxTime.IsZero() {
		ec.TxTime = now
	}
	// 'now', 'today' and friends in text input mean the transaction's start.
	s.FormatSettings().Now = ec.TxTime
	p.runs++
	return p.plan.run(s, ec)
}

// simpleBeginsEarly reports whether a statement of a Query message that
// starts an implicit transaction starts it before it is planned, as
// PostgreSQL does: then planning and running share one snapshot and one
// engine transaction (planning outside a transaction began one of its
// own and threw it away). Only queries and DML: what other statements do
// depends on whether a transaction is open when they are planned.
// A planning error ends the transaction as any error does (Fail, Sync).
func simpleBeginsEarly(n *pg_query.Node) bool {
	switch n.Node.(type) {
	case *pg_query.Node_SelectStmt, *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt:
		return true
	}
	return false
}

// isTxnControl reports the statements an aborted block accepts.
func isTxnControl(n *pg_query.Node) bool {
	t := n.GetTransactionStmt()
	if t == nil {
		return false
	}
	switch t.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK,
		pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		return true
	}
	return false
}

// notSupported refuses a statement PostgreSQL parses but stela does not
// execute, naming it by its leading keywords.
func notSupported(stmt parser.Statement) error {
	return pgerror.Newf(pgcode.FeatureNotSupported, "%s is not supported", statementName(stmt.SQL))
}

// statementName returns the leading keywords of a statement in upper
// case: "CREATE TABLE", "INSERT", "ALTER SYSTEM".
func statementName(sql string) string {
	words := strings.Fields(sql)
	n := 1
	if len(words) > 1 {
		switch strings.ToUpper(words[0]) {
		case "CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "COMMENT", "SECURITY", "REFRESH", "IMPORT", "REASSIGN":
			n = 2
			if len(words) > 2 && (strings.EqualFold(words[1], "UNIQUE") || strings.EqualFold(words[1], "OR") || strings.EqualFold(words[1], "TEMP") || strings.EqualFold(words[1], "TEMPORARY")) {
				n = 3
			}
		}
	}
	out := make([]string, 0, n)
	for _, w := range words[:min(n, len(words))] {
		w = strings.TrimRight(w, ";(")
		out = append(out, strings.ToUpper(w))
	}
	return strings.Join(out, " ")
}

// positioned converts an error's position, which planning takes from the
// parse tree as a byte offset into the whole query string (plus one), to
// the 1-based character position PostgreSQL reports.
func positioned(err error, stmt parser.Statement) error {
	pe, ok := err.(*pgerror.Error)
	if !ok || pe.Position <= 0 {
		return err
	}
	b := min(pe.Position-1, len(stmt.Full))
	return pe.WithPosition(utf8.RuneCountInString(stmt.Full[:b]) + 1)
}
