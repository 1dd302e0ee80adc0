// Package parser turns SQL text into PostgreSQL's own parse trees, with
// github.com/pganalyze/pg_query_go (PostgreSQL's parser compiled in), and
// gives parse failures their SQLSTATE and position.
//
// Anything PostgreSQL accepts parses here; what stela does not execute is
// refused later, by the planner, with 0A000 naming the feature.
package parser

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	pgparser "github.com/pganalyze/pg_query_go/v5/parser"

	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// Statement is one statement of a query string.
type Statement struct {
	// AST is the statement's parse tree.
	AST *pg_query.Node
	// SQL is the statement's own text.
	SQL string
	// Offset is the byte offset of SQL in the query string it came from,
	// so that positions in errors can point into the whole string.
	Offset int
	// Full is the whole query string; the parse tree's locations are byte
	// offsets into it.
	Full string
	// TimeTravel are the AS OF clauses cut out of the statement's text
	// (timetravel.go), in order.
	TimeTravel []TimeTravel
}

// MaxQueryLength bounds the text Parse accepts; PostgreSQL's own limit on a
// query string is 1 GB, far past what any client sends.
const MaxQueryLength = 64 << 20

// Parse parses a query string of zero or more statements. Text that is
// not valid UTF-8 is refused with 22021, syntax errors with 42601 and the
// 1-based character position PostgreSQL reports.
func Parse(sql string) ([]Statement, error) {
	if len(sql) > MaxQueryLength {
		return nil, pgerror.Newf(pgcode.ProgramLimitExceeded, "query string of %d bytes exceeds the limit of %d", len(sql), MaxQueryLength)
	}
	if err := types.CheckEncoding(sql); err != nil {
		return nil, err
	}
	if strings.IndexByte(sql, 0) >= 0 {
		return nil, pgerror.New(pgcode.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": 0x00`)
	}
	if err := checkDepth(sql); err != nil {
		return nil, err
	}
	cut, clauses, err := cutTimeTravel(sql)
	if err != nil {
		return nil, err
	}
	var key string
	var lits []literal
	cacheIt := false
	if len(clauses) == 0 {
		if key, lits, cacheIt = maskLiterals(sql); cacheIt {
			if st, ok := cachedParse(sql, key, lits); ok {
				return []Statement{st}, nil
			}
		}
	}
	tree, err := pg_query.Parse(cut)
	if err != nil {
		return nil, syntaxError(err)
	}
	stmts := make([]Statement, 0, len(tree.Stmts))
	for _, raw := range tree.Stmts {
		start, end := stmtBounds(raw, len(sql))
		st := Statement{AST: selectIntoAsCreate(raw.Stmt), SQL: strings.TrimSpace(sql[start:end]), Offset: start, Full: sql}
		for _, c := range clauses {
			if c.Pos >= start && c.Pos < end {
				st.TimeTravel = append(st.TimeTravel, c)
			}
		}
		stmts = append(stmts, st)
	}
	if cacheIt && len(stmts) == 1 {
		keepTemplate(key, lits, tree.Stmts[0], stmts[0].AST, sql)
	}
	return stmts, nil
}

// stmtBounds returns where a statement's text is in a query string of
// n bytes.
func stmtBounds(raw *pg_query.RawStmt, n int) (start, end int) {
	start, end = int(raw.StmtLocation), n
	if raw.StmtLen > 0 {
		end = start + int(raw.StmtLen)
	}
	if start < 0 || start > end || end > n {
		start, end = 0, n
	}
	return start, end
}

// grammarCodes are the SQLSTATEs of the errors PostgreSQL's grammar
// raises with a code other than syntax_error; pg_query reports only the
// message.
var grammarCodes = map[string]pgcode.Code{
	"frame start cannot be UNBOUNDED FOLLOWING":                     pgcode.WindowingError,
	"frame starting from following row cannot end with current row": pgcode.WindowingError,
	"frame end cannot be UNBOUNDED PRECEDING":                       pgcode.WindowingError,
	"frame starting from current row cannot have preceding rows":    pgcode.WindowingError,
	"frame starting from following row cannot have preceding rows":  pgcode.WindowingError,
	"aggregate ORDER BY is not implemented for window functions":    pgcode.FeatureNotSupported,
	"DISTINCT is not implemented for window functions":              pgcode.FeatureNotSupported,
	"CREATE SCHEMA IF NOT EXISTS cannot include schema elements":    pgcode.FeatureNotSupported,
	"MATCH PARTIAL not yet implemented":                             pgcode.FeatureNotSupported,
	// A role name the grammar refuses (OWNER TO none, CREATE ROLE
	// current_user).
	`role name "none" is reserved`:                    pgcode.ReservedName,
	`role name "public" is reserved`:                  pgcode.ReservedName,
	"CURRENT_USER cannot be used as a role name here": pgcode.ReservedName,
	"CURRENT_ROLE cannot be used as a role name here": pgcode.ReservedName,
	"SESSION_USER cannot be used as a role name here": pgcode.ReservedName,
}

// unmarkableConstraint reports the grammar's refusal of an attribute a
// kind of constraint cannot take ("CHECK constraints cannot be marked
// DEFERRABLE", "UNIQUE constraints cannot be marked NOT VALID", ...),
// which is 0A000 in PostgreSQL.
func unmarkableConstraint(msg string) bool {
	_, attr, ok := strings.Cut(msg, " constraints cannot be marked ")
	return ok && (attr == "DEFERRABLE" || attr == "NOT VALID" || attr == "NO INHERIT")
}

// syntaxError converts a pg_query error.
func syntaxError(err error) error {
	if pe, ok := err.(*pgparser.Error); ok {
		code, ok := grammarCodes[pe.Message]
		if !ok && unmarkableConstraint(pe.Message) {
			code, ok = pgcode.FeatureNotSupported, true
		}
		if !ok {
			code = pgcode.Syntax
		}
		e := pgerror.New(code, pe.Message)
		if pe.Cursorpos > 0 {
			e = e.WithPosition(pe.Cursorpos)
		}
		return e
	}
	return pgerror.Wrap(err, pgcode.Syntax, err.Error())
}
