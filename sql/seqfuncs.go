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
// other function. The sequence is a regclass, as in PostgreSQL: a name
// ('s', 's'::regclass, text) or an OID (a regclass or oid value).
func (pl *planner) specialFunc(b *expr.Builder, f *pg_query.FuncCall, name string) (expr.Expr, error) {
	var want []*types.T
	switch name {
	case "nextval", "currval":
		want = []*types.T{types.Regclass}
	case "setval":
		want = []*types.T{types.Regclass, types.Int8}
		if len(f.Args) == 3 {
			want = append(want, types.Bool)
		}
	case "lastval":
		want = nil
	default:
		return pl.proofFunc(b, f, name) // prooffuncs.go; nil for other names
	}
	args := make([]expr.Expr, len(f.Args))
	for i, a := range f.Args {
		e, err := b.Build(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	args, err := b.FixedArgs(name, args, want, f.Location)
	if err != nil {
		return nil, err
	}
	return &seqFunc{name: name, args: args}, nil
}

// nameArg is the string a sequence function's regclass is cast from
// ('s', 's'::regclass, 's'::text, a text parameter), nil when it is an
// OID or a regclass value. A sequence named so is looked up through the
// session's cache (relcache.go) rather than by the regclass cast, which
// reads the catalog twice per call: a column default calls it once per
// row.
func nameArg(args []expr.Expr) expr.Expr {
	if len(args) == 0 {
		return nil
	}
	rc, ok := args[0].(*expr.RegCast)
	if !ok {
		return nil
	}
	switch rc.Arg.Type().Oid {
	case types.Unknown.Oid, types.Text.Oid, types.Varchar.Oid:
		return rc.Arg
	}
	return nil
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
	vals := make([]types.Datum, len(f.args))
	for i, a := range f.args {
		if i == 0 {
			if n := nameArg(f.args); n != nil {
				a = n // the name, not its regclass
			}
		}
		v, err := a.Eval(ctx)
		if err != nil || v == nil {
			return nil, err // strict: a NULL argument gives NULL
		}
		vals[i] = v
	}
	x := ctx.Exec.(*execCtx)
	s := x.sess
	if f.name == "lastval" {
		if s.lastSeq == 0 {
			return nil, pgerror.New(pgcode.ObjectNotInPrerequisiteState, "lastval is not yet defined in this session")
		}
		return s.seqs[s.lastSeq], nil
	}
	var d *catalog.Descriptor
	var err error
	switch v := vals[0].(type) {
	case string:
		if r, perr := types.Regclass.ParseText(v, nil); perr == nil {
			// A number: regclass input takes it as an OID. A DEFAULT
			// keeps its sequence so (default_seqrefs.go), and calls it
			// once per row: through the cache, under a key no name
			// text can have.
			d, err = x.cachedRelation("\x00"+v, func() (*catalog.Descriptor, error) {
				return x.sequenceByOID(r.(types.Reg).Oid)
			})
		} else {
			d, err = x.sequence(v)
		}
	case types.Reg:
		d, err = x.sequenceByOID(v.Oid)
	}
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
			return nil, pgerror.Newf(pgcode.ObjectNotInPrerequisiteState, "currval of sequence \"%s\" is not yet defined in this session", d.Name)
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

// sequence resolves a sequence named by text, as regclass input reads
// the name (pg_catalog's relations first, then the search path).
func (x *execCtx) sequence(text string) (*catalog.Descriptor, error) {
	return x.cachedRelation(text, func() (*catalog.Descriptor, error) {
		parts, err := splitQualifiedName(text)
		if err != nil {
			return nil, err
		}
		oid, err := relationOID(x, parts)
		if err != nil {
			return nil, err
		}
		return x.sequenceByOID(oid)
	})
}

// sequenceByOID resolves the sequence a regclass value names, with
// PostgreSQL's errors: 42809 for another relation, XX000 when no
// relation has the OID (PostgreSQL opens the relation as is).
func (x *execCtx) sequenceByOID(oid uint32) (*catalog.Descriptor, error) {
	if tag, _, _ := splitSubOID(oid); tag == 0 {
		d, err := catalog.Get(x.txn, oid)
		if err != nil {
			return nil, err
		}
		if d != nil && d.Kind == catalog.KindSequence {
			return d, nil
		}
	}
	// A table, a view, an index or one of pg_catalog's relations is
	// named unqualified.
	name, err := relationName(x, oid)
	if err != nil {
		return nil, err
	}
	if name == "" {
		// PostgreSQL's code is XX000, stela's mark of its own bugs (logged
		// as such): an OID that names nothing is the caller's mistake.
		return nil, pgerror.Newf(pgcode.UndefinedTable, "could not open relation with OID %d", oid)
	}
	parts, err := splitQualifiedName(name)
	if err != nil {
		return nil, err
	}
	return nil, pgerror.Newf(pgcode.WrongObjectType, "\"%s\" is not a sequence", parts[len(parts)-1])
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
