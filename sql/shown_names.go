package sql

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/stela-db/stela/catalog"
	"github.com/stela-db/stela/sql/expr"
	"github.com/stela-db/stela/sql/parser"
)

// Stored text names objects of public bare (stored_names.go). PostgreSQL
// prints a name bare only when the reader's search_path finds that
// object by it (ruleutils.c asks RelationIsVisible, TypeIsVisible and
// the function lookup); otherwise it writes the schema, so that
// pg_dump's text (made under search_path = '') restores. shownText is
// that rewrite, done once for every catalog function and view that
// prints stored text: the bare names of public's relations, types and
// functions that the path does not find get "public." written in.
//
// Under the default path public is the first schema searched, every bare
// name is found, and the text prints as stored without being parsed.
// The answers are kept with the session's search-path memo for one
// catalog version, as psql's \d+ asks per row.

// shownNames decides, for one search path at one catalog version,
// which bare names of stored text print qualified.
type shownNames struct {
	version uint64
	// visible: public is on the path with no schema before it: every
	// bare name is found.
	visible bool
	public  uint32 // public's id, 0 when there is none
	onPath  bool
	before  []uint32 // the existing schemas searched before public
	temp    uint32   // the session's temp schema, 0 when it has none
	known   map[shownKey]bool
}

// shownKey is a bare name of one kind: 'r' relation, 't' type, 'f'
// function.
type shownKey struct {
	kind byte
	name string
}

// shownNames returns the session's shownNames for the transaction's
// catalog; a transaction that changed the catalog gets one of its own.
func (x *execCtx) shownNames() (*shownNames, error) {
	m := x.sess.pathMemoFor()
	changed := catalog.ChangedIn(x.txn)
	version, err := catalog.Version(x.txn)
	if err != nil {
		return nil, err
	}
	if !changed && m.shown != nil && m.shown.version == version {
		return m.shown, nil
	}
	s := &shownNames{version: version, known: map[shownKey]bool{}}
	pub, err := catalog.Lookup(x.txn, 0, "public")
	if err != nil {
		return nil, err
	}
	if pub != nil && pub.Kind == catalog.KindSchema {
		s.public = pub.ID
	}
	for _, sn := range m.path {
		if sn == "pg_catalog" {
			continue
		}
		d, err := catalog.Lookup(x.txn, 0, sn)
		if err != nil {
			return nil, err
		}
		if d == nil || d.Kind != catalog.KindSchema {
			continue
		}
		if catalog.IsTempSchema(sn) {
			s.temp = d.ID
			continue
		}
		if d.ID == s.public {
			s.onPath = true
			break
		}
		s.before = append(s.before, d.ID)
	}
	s.visible = s.onPath && len(s.before) == 0
	if !changed {
		m.shown = s
	}
	return s, nil
}

// qualify reports whether a bare name of kind k in stored text prints
// as public's: public has an object of the name, the session's temp
// schema (which stela searches first for the stored text too) has none,
// and the path does not find public's by the bare name.
func (s *shownNames) qualify(x *execCtx, k shownKey) (bool, error) {
	if s.visible || s.public == 0 {
		return false, nil
	}
	if q, ok := s.known[k]; ok {
		return q, nil
	}
	if k.kind == 'f' && builtinNamed(k.name) {
		s.known[k] = false // a bare call of a built-in's name calls it
		return false, nil
	}
	has := func(schema uint32) (bool, error) { return x.namedIn(schema, k) }
	q, err := has(s.public)
	if err == nil && q && s.temp != 0 && k.kind != 'f' {
		var inTemp bool
		inTemp, err = has(s.temp)
		q = !inTemp
	}
	if err == nil && q && s.onPath {
		q = false
		for _, id := range s.before {
			if q, err = has(id); q || err != nil {
				break
			}
		}
	}
	if err != nil {
		return false, err
	}
	s.known[k] = q
	return q, nil
}

// namedIn reports whether schema has an object of the name and kind k:
// a relation (or stand-alone composite type); a type or a relation (its
// row type); a function of any arguments (a call may leave out those
// with defaults, or name them, so its argument count says little: a
// schema earlier on the path with a function of the name may take the
// call, and the name is printed qualified).
func (x *execCtx) namedIn(schema uint32, k shownKey) (bool, error) {
	switch k.kind {
	case 'f':
		fns, err := catalog.Functions(x.txn, schema, k.name)
		return len(fns) > 0, err
	case 't':
		if d, err := catalog.LookupType(x.txn, schema, k.name); err != nil || d != nil {
			return d != nil, err
		}
	}
	d, err := catalog.LookupRelation(x.txn, schema, k.name)
	return d != nil, err
}

// shownText is stored text as the session prints it: a view's query
// (stmt) or an expression, with the bare names that the search path
// does not find qualified. It is the text itself when none is.
func (x *execCtx) shownText(text string, stmt bool) (string, error) {
	s, err := x.shownNames()
	if err != nil {
		return text, err
	}
	return x.shownTextIn(s, text, stmt)
}

// shownTextIn is shownText with the names s decides, for a caller that
// prints several texts (shownTable).
func (x *execCtx) shownTextIn(s *shownNames, text string, stmt bool) (string, error) {
	if s.visible || s.public == 0 {
		return text, nil
	}
	var err error
	var root *pg_query.Node
	var travel map[int32]*parser.TimeTravel
	if stmt {
		stmts, err := parser.Parse(text)
		if err != nil || len(stmts) != 1 {
			return text, nil // not ours to judge: printed as stored
		}
		root, travel = stmts[0].AST, travelOf(stmts[0])
	} else if root, err = parser.ParseExpr(text); err != nil {
		return text, nil
	}
	changed, err := x.qualifyShown(s, root, travel)
	if err != nil || !changed {
		return text, err
	}
	if stmt {
		return x.deparseWithTimeTravel(root, travel)
	}
	return parser.DeparseExpr(root)
}

// qualifyShown writes "public." into the bare names under root that s
// says print qualified; travel are a view's AS OF clauses, whose
// relations are read as they were then and left as written.
func (x *execCtx) qualifyShown(s *shownNames, root *pg_query.Node, travel map[int32]*parser.TimeTravel) (bool, error) {
	ctes := cteNames(root)
	changed := false
	var err error
	mark := func(k shownKey) bool {
		var q bool
		if err == nil {
			q, err = s.qualify(x, k)
		}
		changed = changed || q
		return q
	}
	typeName := func(tn *pg_query.TypeName) {
		if tn == nil || len(tn.Names) != 1 || tn.Names[0].GetString_() == nil {
			return
		}
		if _, e := expr.TypeFromName(tn); e == nil {
			return // a built-in type's name
		}
		if mark(shownKey{kind: 't', name: tn.Names[0].GetString_().Sval}) {
			tn.Names = append([]*pg_query.Node{pg_query.MakeStrNode("public")}, tn.Names...)
		}
	}
	walk(root, func(m *pg_query.Node) bool {
		switch {
		case err != nil:
			return false
		case m.GetTypeName() != nil:
			typeName(m.GetTypeName())
		case m.GetTypeCast() != nil:
			typeName(m.GetTypeCast().TypeName)
		case m.GetColumnDef() != nil:
			typeName(m.GetColumnDef().TypeName)
		case m.GetFuncCall() != nil:
			f := m.GetFuncCall()
			if len(f.Funcname) != 1 || f.Funcname[0].GetString_() == nil {
				return true
			}
			if mark(shownKey{kind: 'f', name: f.Funcname[0].GetString_().Sval}) {
				f.Funcname = append([]*pg_query.Node{pg_query.MakeStrNode("public")}, f.Funcname...)
			}
		case m.GetRangeVar() != nil:
			rv := m.GetRangeVar()
			if rv.Schemaname != "" || ctes[rv.Relname] || travel[rv.Location] != nil {
				return true
			}
			if mark(shownKey{kind: 'r', name: rv.Relname}) {
				rv.Schemaname = "public"
			}
		}
		return true
	})
	return changed, err
}

// shownTable is t with its stored expressions (defaults, generation and
// index key expressions, CHECKs, index predicates) as shownText prints
// them: t itself when none changes, so that the common case copies
// nothing. The catalog functions and views print from it.
func (x *execCtx) shownTable(t *catalog.TableDesc) (*catalog.TableDesc, error) {
	names, err := x.shownNames()
	if err != nil || names.visible || names.public == 0 || t == nil {
		return t, err
	}
	var out *catalog.TableDesc
	own := func() {
		if out == nil {
			c := *t
			c.Columns = append([]catalog.ColumnDesc(nil), t.Columns...)
			c.Checks = append([]catalog.CheckDesc(nil), t.Checks...)
			c.Indexes = append([]catalog.IndexDesc(nil), t.Indexes...)
			out = &c
		}
	}
	shown := func(text string, set func(*catalog.TableDesc, string)) error {
		if text == "" {
			return nil
		}
		s, err := x.shownTextIn(names, text, false)
		if err == nil && s != text {
			own()
			set(out, s)
		}
		return err
	}
	for i, c := range t.Columns {
		i := i
		if err := shown(c.Default, func(o *catalog.TableDesc, s string) { o.Columns[i].Default = s }); err != nil {
			return nil, err
		}
		if err := shown(c.Generated, func(o *catalog.TableDesc, s string) { o.Columns[i].Generated = s }); err != nil {
			return nil, err
		}
	}
	for i, ck := range t.Checks {
		i := i
		if err := shown(ck.Expr, func(o *catalog.TableDesc, s string) { o.Checks[i].Expr = s }); err != nil {
			return nil, err
		}
	}
	for i, ix := range t.Indexes {
		i := i
		if err := shown(ix.Predicate, func(o *catalog.TableDesc, s string) { o.Indexes[i].Predicate = s }); err != nil {
			return nil, err
		}
	}
	if out == nil {
		return t, nil
	}
	return out, nil
}

// shownIndex is index ix of a table as shownTable gives it.
func shownIndex(t *catalog.TableDesc, ix *catalog.IndexDesc) *catalog.IndexDesc {
	for i := range t.Indexes {
		if t.Indexes[i].ID == ix.ID {
			return &t.Indexes[i]
		}
	}
	return ix
}
