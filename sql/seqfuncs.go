package sql

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/engine"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/pgcode"
	"github.com/stela-db/stela/sql/pgerror"
	"github.com/stela-db/stela/sql/types"
)

// The sequence functions need the database, so the planner builds them
// rather than the expression package. Like PostgreSQL's, they are not
// transactional: a value nextval handed out stays used even if the
// transaction rolls back.

// specialFunc builds nextval, currval, setval and lastval; nil for any
// other function.
func (pl *planner) specialFunc(b *expr.Builder, f *pg_query.FuncCall, name string) (expr.Expr, error) {
	var want []*types.T
	switch name {
	case "nextval", "currval":
		want = []*types.T{types.Text}
	case "setval":
		want = []*types.T{types.Text, types.Int8}
		if len(f.Args) == 3 {
			want = append(want, types.Bool)
		}
	case "lastval":
		want = nil
	default:
		return pl.proofFunc(b, f, name) // prooffuncs.go; nil for other names
	}
	if len(f.Args) != len(want) {
		return nil, pgerror.Newf(pgcode.UndefinedFunction, "function %s with %d arguments does not exist", name, len(f.Args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.").
			WithPosition(int(f.Location) + 1)
	}
	args := make([]expr.Expr, len(f.Args))
	for i, a := range f.Args {
		what := name + "()"
		e, err := b.BuildAs(a, want[i], what)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	return &seqFunc{name: name, args: args}, nil
}

// seqFunc is a call of a sequence function.
type seqFunc struct {
	name string
	args []expr.Expr
}

func (f *seqFunc) Type() *types.T        { return types.Int8 }
func (f *seqFunc) Children() []expr.Expr { return f.args }
func (f *seqFunc) IsVolatile() bool      { return true }
func (f *seqFunc) String() string        { return f.name + "(...)" }

func (f *seqFunc) Eval(ctx *expr.Context) (types.Datum, error) {
	vals, err := evalStrict(ctx, f.args)
	if vals == nil || err != nil {
		return nil, err // strict: a NULL argument gives NULL
	}
	x := ctx.Exec.(*execCtx)
	s := x.sess
	if f.name == "lastval" {
		if s.lastSeq == 0 {
			return nil, pgerror.New(pgcode.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
		}
		return s.seqs[s.lastSeq], nil
	}
	d, err := x.sequence(vals[0].(string))
	if err != nil {
		return nil, err
	}
	// As PostgreSQL: nextval needs USAGE or UPDATE, setval UPDATE and
	// currval SELECT or USAGE. Table privileges on every relation of the
	// database cover sequences too (UPDATE, SELECT); USAGE is granted on
	// a sequence itself.
	want, or := "w", "U"
	switch f.name {
	case "currval":
		want = "r"
	case "setval":
		or = ""
	}
	r, err := s.rights()
	if err != nil {
		return nil, err
	}
	if or == "" || !r.hasDesc(or, d) {
		if err := s.checkTable(want, d); err != nil {
			return nil, err
		}
	}
	p := seqParams(d)
	switch f.name {
	case "nextval":
		if x.txn.ReadOnly() {
			return nil, pgerror.New(pgcode.ReadOnlySQLTransaction, "cannot execute nextval() in a read-only transaction")
		}
		v, err := s.db.DB.NextVal(x.ctx, p)
		if err != nil {
			return nil, err
		}
		s.noteSeq(d.ID, v)
		return v, nil
	case "currval":
		v, ok := s.seqs[d.ID]
		if !ok {
			return nil, pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "currval of sequence %q is not yet defined in this session", d.Name)
		}
		return v, nil
	default: // setval
		if x.txn.ReadOnly() {
			return nil, pgerror.New(pgcode.ReadOnlySQLTransaction, "cannot execute setval() in a read-only transaction")
		}
		v := vals[1].(int64)
		called := len(vals) < 3 || vals[2].(bool)
		if err := s.db.DB.SetVal(x.ctx, p, v, called); err != nil {
			return nil, err
		}
		if called {
			s.noteSeq(d.ID, v)
		}
		return v, nil
	}
}

// noteSeq records a value nextval or setval handed this session.
func (s *Session) noteSeq(id uint32, v int64) {
	if s.seqs == nil {
		s.seqs = map[uint32]int64{}
	}
	s.seqs[id] = v
	s.lastSeq = id
}

// relationByText resolves a relation named by text, as a regclass
// literal is read: dotted, with double quotes keeping case.
func (x *execCtx) relationByText(text string) (*catalog.Descriptor, error) {
	return x.cachedRelation(text, func() (*catalog.Descriptor, error) {
		parts, err := parseQualifiedName(text)
		if err != nil {
			return nil, err
		}
		schema, name := "", parts[len(parts)-1]
		if len(parts) == 2 {
			schema = parts[0]
		}
		return catalog.Relation(x.txn, schema, name, x.sess.searchPath())
	})
}

// sequence resolves a sequence named by text, as a regclass literal is
// read: dotted, with double quotes keeping case.
func (x *execCtx) sequence(text string) (*catalog.Descriptor, error) {
	d, err := x.relationByText(text)
	if err != nil {
		return nil, err
	}
	if d.Kind != catalog.KindSequence {
		return nil, pgerror.Newf(pgcode.WrongObjectType, "%q is not a sequence", d.Name)
	}
	return d, nil
}

// seqParams returns the engine's view of a sequence.
func seqParams(d *catalog.Descriptor) engine.SeqParams {
	q := d.Sequence
	return engine.SeqParams{ID: d.ID, Incarnation: q.Incarnation, Start: q.Start, Increment: q.Increment, Min: q.Min, Max: q.Max, Cycle: q.Cycle, Name: d.Name}
}

// parseQualifiedName splits "schema.name" text as PostgreSQL's
// stringToQualifiedNameList: unquoted parts fold to lower case, "" in a
// quoted part is a quote.
func parseQualifiedName(s string) ([]string, error) {
	bad := func() error {
		return pgerror.New(pgcode.InvalidName, "invalid name syntax")
	}
	var parts []string
	i := 0
	for {
		var part strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			for {
				if i >= len(s) {
					return nil, bad()
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						part.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				part.WriteByte(s[i])
				i++
			}
		} else {
			start := i
			for i < len(s) && s[i] != '.' {
				i++
			}
			part.WriteString(strings.ToLower(strings.TrimSpace(s[start:i])))
		}
		if part.Len() == 0 {
			return nil, bad()
		}
		parts = append(parts, part.String())
		if i >= len(s) {
			break
		}
		if s[i] != '.' {
			return nil, bad()
		}
		i++
	}
	if len(parts) > 2 {
		return nil, pgerror.Newf(pgcode.FeatureNotSupported, "cross-database references are not implemented: %s", s)
	}
	return parts, nil
}

// evalStrict evaluates a planner-level function's arguments; nil (and no
// error) when one is NULL, for a strict function's NULL answer.
func evalStrict(ctx *expr.Context, args []expr.Expr) ([]types.Datum, error) {
	vals := make([]types.Datum, len(args))
	for i, a := range args {
		v, err := a.Eval(ctx)
		if err != nil || v == nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}
